"""Team agreements: the contract (versions, terms, ladder, signatures) and what the engine measures."""

from interlock.agreements.models.agreement import (
    Agreement,
    AgreementVersion,
    EscalationStep,
    Signature,
    Term,
)
from interlock.agreements.models.disputes import AgendaItem, BreachDispute, WorkRequest
from interlock.agreements.models.engine import (
    Deliverable,
    EscalationRun,
    Obligation,
    PeriodResult,
)
from interlock.agreements.models.rollups import ScoreRollup, ScoreWatermark

__all__ = [
    "AgendaItem",
    "Agreement",
    "AgreementVersion",
    "BreachDispute",
    "Deliverable",
    "EscalationRun",
    "EscalationStep",
    "Obligation",
    "PeriodResult",
    "ScoreRollup",
    "ScoreWatermark",
    "Signature",
    "Term",
    "WorkRequest",
]
