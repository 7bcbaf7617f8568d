"""What team agreements register with lower floors (audit, subscribers, kinds, demo).

Each part adds its own ``register_*`` function in its module and a call
below; ``register_all`` runs them from ``AgreementsConfig.ready``.
"""

from __future__ import annotations


def register_all() -> None:
    from auditlog.registry import auditlog

    from interlock.agreements import models

    for model in (
        models.Agreement,
        models.AgreementVersion,
        models.Term,
        models.EscalationStep,
        models.Signature,
        models.BreachDispute,
        models.WorkRequest,
    ):
        auditlog.register(model)
    from interlock.agreements.subscribers_notify import register_notify

    register_notify()
    from interlock.agreements.kinds_requests import register_kinds as register_request_kind

    register_request_kind()
    from interlock.agreements import tasks  # noqa: F401  (the clock's periodic task)
    from interlock.agreements.demo import register as register_demo

    register_demo()
    from interlock.agreements.engine import register_engine

    register_engine()  # last: after every kind is registered
