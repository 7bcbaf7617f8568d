"""The registry of deliverable kinds that team agreements can measure.

The app that owns a piece of work registers its kind here from its
``AppConfig.ready()`` (leads: the lead handoff; sales: the won-deal handover;
feedback: complaint response …). The agreements engine, one floor higher,
reads the registry and never imports those apps, so a new kind needs no
change to the engine.

A kind says
- which events *deliver* an instance (``delivered_by``) and how to read the
  instance from such an event (``delivery``);
- which events *fulfil* it (``fulfilled_by``) or cancel it (``cancelled_by``)
  and which instance they concern (``instance_key``);
- where it is delivered (``places``: a queue, a stage, a team …), so a term can
  say "every MQL handed to the queue Sales DACH";
- which attributes quality criteria may read (``attributes``) and how to
  read their current values (``evaluate``; :data:`UNDECIDED` while the
  criterion cannot be decided yet, e.g. "became SQL within 30 days" on day 3);
- optional hooks the escalation ladder may call: count the instance as
  fulfilled by default, return it to the provider, reassign it.

Everything the engine needs is read from the event (its payload, subject
and time) so that replaying the event log gives the same obligations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.utils.functional import Promise

from interlock.core.models import Event


class _Undecided:
    """Sentinel: the criterion cannot be decided yet for this instance."""

    _instance: _Undecided | None = None

    def __new__(cls) -> _Undecided:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDECIDED"

    def __bool__(self) -> bool:
        return False


UNDECIDED: Any = _Undecided()

AttributeType = Literal["bool", "number", "grade", "choice", "text"]


@dataclass(frozen=True)
class Attribute:
    """One attribute a quality criterion may read.

    ``type`` decides which operators a criterion may use: bool → is/is not;
    number → ≥ ≤ = ; grade (A best … D) → at least / at most; choice → is / in;
    text → filled / empty.
    """

    name: str
    label: str | Promise
    type: AttributeType
    choices: tuple[tuple[str, str | Promise], ...] = ()
    unit: str | Promise = ""


@dataclass(frozen=True)
class Delivery:
    """What a delivering event tells the engine about one instance."""

    key: str  # unique within the kind, e.g. "handoff:42"
    at: datetime
    place: str = ""  # e.g. "team:3"; "" when the kind has no places
    assignee_id: int | None = None  # who must act (before absences)
    team_id: int | None = None  # the team the instance went to, if any
    subject: tuple[str, int] | None = None  # (model label, pk) to link to
    title: str = ""  # short text for lists ("Lead Jane Doe (ACME)")
    due_at: datetime | None = None  # an explicit deadline (requests "by a date")


@dataclass(frozen=True)
class DeliverableKind:
    key: str
    label: str | Promise
    description: str | Promise
    delivered_by: frozenset[str]
    fulfilled_by: frozenset[str]
    delivery: Callable[[Event], Delivery | None]
    instance_key: Callable[[Event], str | None]
    cancelled_by: frozenset[str] = frozenset()
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    # keys -> {key: {attribute: value or UNDECIDED}}; read in batches for quality terms
    evaluate: Callable[[list[str]], dict[str, dict[str, Any]]] | None = None
    # choices for a term's "delivered where" field: [(place, label)]
    places: Callable[[], list[tuple[str, str]]] = lambda: []
    place_label: Callable[[str], str] = lambda place: place
    # How contract sentences speak of it: "Sales {duty} every {noun} … within 8
    # business hours"; "Marketing delivers at least 40 {noun_plural} per month".
    noun: str | Promise = ""
    noun_plural: str | Promise = ""
    duty: str | Promise = ""
    # Which side must act under a time term: the receiver (answers a lead, a
    # complaint) or the provider (completes the handover, delivers a request).
    acting_side: Literal["receiver", "provider"] = "receiver"
    # Which team function usually provides / receives (for templates and forms).
    provider_function: str = ""
    receiver_function: str = ""
    # Consequences the escalation ladder may apply (None: the step is skipped
    # and says so in its log).
    fulfil_by_default: Callable[[str, Any], None] | None = None
    return_to_provider: Callable[[str, Any], None] | None = None
    reassign: Callable[[str, int | None, Any], None] | None = None
    url: Callable[[str], str | None] = lambda key: None

    def event_types(self) -> frozenset[str]:
        return self.delivered_by | self.fulfilled_by | self.cancelled_by


_kinds: dict[str, DeliverableKind] = {}


def register(kind: DeliverableKind) -> DeliverableKind:
    """Register (or replace, for tests) a deliverable kind."""
    _kinds[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def kinds() -> dict[str, DeliverableKind]:
    return dict(_kinds)


def get(key: str) -> DeliverableKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"no deliverable kind {key!r} is registered") from None


def event_types() -> frozenset[str]:
    """Every event type some kind delivers, fulfils or cancels with."""
    found: set[str] = set()
    for kind in _kinds.values():
        found |= kind.event_types()
    return frozenset(found)


def kinds_for_event(event_type: str) -> Iterable[DeliverableKind]:
    return [kind for kind in _kinds.values() if event_type in kind.event_types()]
