"""The escalation ladder's actions, applied by the clock to one obligation.

The clock (``clock.py``) decides *when* a step is due and records an
``EscalationRun`` once per (obligation, step); this module decides *what*
each action does. Filled in by the consequences part.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interlock.agreements.models import EscalationStep, Obligation


def apply_step(*, obligation: Obligation, step: EscalationStep, now: datetime) -> list[dict[str, Any]]:
    """Carry out ``step.actions`` for ``obligation``; one outcome dict per action.

    Each outcome: {"action": code, "done": bool, "note": str}. Must not raise for
    one failing action (e.g. no deputy): record done=False with the reason.
    Runs inside the clock's transaction.
    """
    return [{"action": a, "done": False, "note": "not implemented yet"} for a in step.actions]
