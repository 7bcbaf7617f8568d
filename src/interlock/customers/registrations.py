"""What this app registers with the timeline, the merge registry and the demo."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interlock.core.models import Event
from interlock.customers import timeline
from interlock.customers.merge import register_relation

Target = tuple[int | None, int | None]


def _p(event: Event, key: str) -> Any:
    return (event.payload or {}).get(key)


def _account_only(event: Event) -> Iterable[Target]:
    return [(_p(event, "account_id"), None)]


def _account_and_contact(event: Event) -> Iterable[Target]:
    return [(_p(event, "account_id"), _p(event, "contact_id"))]


def _kind_label(event: Event) -> str:
    from interlock.customers.models import Activity

    kind = _p(event, "kind") or ""
    labels = dict(Activity.Kind.choices)
    return str(labels.get(kind, kind)).capitalize()


def register_all() -> None:
    for kind, kind_label in (
        ("record", gettext_lazy("Record")),
        ("activity", gettext_lazy("Activity")),
        ("task", gettext_lazy("Task")),
        ("merge", gettext_lazy("Merge")),
    ):
        timeline.register_kind(kind, kind_label)
    timeline.register(
        "account.created",
        kind="record",
        title=lambda e: _("Account created: %(name)s") % {"name": _p(e, "name")},
        targets=_account_only,
    )
    timeline.register(
        "contact.created",
        kind="record",
        title=lambda e: _("Contact created: %(name)s") % {"name": _p(e, "name")},
        targets=_account_and_contact,
    )
    timeline.register(
        "activity.logged",
        kind="activity",
        title=lambda e: f"{_kind_label(e)}: {_p(e, 'subject')}",
        summary=lambda e: str(_p(e, "body") or ""),
        targets=_account_and_contact,
    )
    timeline.register(
        "task.created",
        kind="task",
        title=lambda e: _("Task: %(subject)s") % {"subject": _p(e, "subject")},
        summary=lambda e: str(_p(e, "body") or ""),
        targets=_account_and_contact,
    )
    timeline.register(
        "task.completed",
        kind="task",
        title=lambda e: _("Task done: %(subject)s") % {"subject": _p(e, "subject")},
        targets=_account_and_contact,
    )
    timeline.register(
        "account.merged",
        kind="merge",
        title=lambda e: _("Merged with account %(name)s") % {"name": _p(e, "merged_name")},
        summary=_moved_summary,
        targets=_account_only,
    )
    timeline.register(
        "contact.merged",
        kind="merge",
        title=lambda e: _("Merged with contact %(name)s") % {"name": _p(e, "merged_name")},
        summary=_moved_summary,
        targets=_account_and_contact,
    )

    for label, field in (
        ("customers.Contact", "account"),
        ("customers.Account", "parent"),
        ("customers.Activity", "account"),
        ("customers.Activity", "contact"),
        ("customers.TimelineEntry", "account"),
        ("customers.TimelineEntry", "contact"),
    ):
        register_relation(label, field)

    from interlock.core import demo, events
    from interlock.customers.demo import seed

    demo.register("customers", seed, order=200)
    events.handle_many(timeline.SUBSCRIBER, timeline.project_many)


def _moved_summary(event: Event) -> str:
    moved = _p(event, "moved") or {}
    parts = [f"{name}: {count}" for name, count in sorted(moved.items())]
    return _("Moved: %(what)s") % {"what": ", ".join(parts) or "—"}
