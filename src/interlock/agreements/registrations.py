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
