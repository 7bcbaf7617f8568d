"""The escalation ladder's actions, applied by the clock to one obligation.

The clock (``clock.py``) decides *when* a step is due and records an
``EscalationRun`` once per (obligation, step); this module decides *what*
each action does. Each action runs in its own savepoint: one that fails (no
deputy, a kind without the hook, a hook that raises) is logged in its
outcome and the others still run, and the clock's transaction stays usable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interlock.agreements.models import AgendaItem, EscalationStep, Obligation
from interlock.agreements.selectors_disputes import management, team_leads
from interlock.core import deliverables
from interlock.notify.services import notify
from interlock.org.models import BusinessCalendar, User
from interlock.org.selectors import absence_at, effective_assignee

log = logging.getLogger(__name__)

Action = EscalationStep.Action


class Skipped(Exception):
    """The action could not be carried out; the message says why (done=False)."""


def apply_step(
    *, obligation: Obligation, step: EscalationStep, now: datetime
) -> list[dict[str, Any]]:
    """Carry out ``step.actions`` for ``obligation``; one outcome dict per action.

    Each outcome: {"action": code, "done": bool, "note": str}. Never raises for
    one failing action: it records done=False with the reason.
    Runs inside the clock's transaction.
    """
    outcomes = []
    for code in step.actions or []:
        handler = HANDLERS.get(code)
        try:
            if handler is None:
                raise Skipped(_("unknown action %(code)s") % {"code": code})
            with transaction.atomic():
                note = handler(obligation, step, now)
            outcomes.append({"action": code, "done": True, "note": note})
        except Skipped as exc:
            outcomes.append({"action": code, "done": False, "note": str(exc)})
        except Exception as exc:  # a hook of another app failed: log it, go on
            log.exception("escalation %s failed on obligation %s", code, obligation.pk)
            outcomes.append(
                {"action": code, "done": False, "note": f"{type(exc).__name__}: {exc}"[:500]}
            )
    return outcomes


# --- what the message says ----------------------------------------------------------


def _kind(obligation: Obligation) -> deliverables.DeliverableKind | None:
    try:
        return deliverables.get(obligation.deliverable.kind)
    except LookupError:
        return None


def _zone(obligation: Obligation) -> ZoneInfo:
    team_id = obligation.team_id or obligation.agreement.receiver_team_id
    name = (
        BusinessCalendar.objects.filter(team_id=team_id).values_list("timezone", flat=True).first()
    )
    return ZoneInfo(name or settings.TIME_ZONE or "UTC")


def _due_text(at: datetime, zone: ZoneInfo) -> str:
    # Formatted when rendered, so the weekday is in the reader's language.
    return str(formats.date_format(timezone.localtime(at, zone), "D j M H:i"))


_lazy_due = lazy(_due_text, str)


def _what(obligation: Obligation, kind: deliverables.DeliverableKind | None) -> Any:
    deliverable = obligation.deliverable
    what: Any = deliverable.title or (
        format_lazy("{} {}", kind.label, deliverable.key) if kind else deliverable.key
    )
    if deliverable.place and kind is not None:
        where = kind.place_label(deliverable.place)
        if where:
            what = format_lazy(gettext_lazy("{what} in {where}"), what=what, where=where)
    return what


def message_title(obligation: Obligation, step: EscalationStep) -> Any:
    """E.g. "Breached: MQL Jane Doe (ACME) in queue Sales DACH — due Mon 2 Mar 16:00"."""
    what = _what(obligation, _kind(obligation))
    due = _lazy_due(obligation.due_at, _zone(obligation))
    if step.trigger == EscalationStep.Trigger.AT_RISK:
        text = gettext_lazy("At risk: {what} — due {due}")
    else:
        text = gettext_lazy("Breached: {what} — due {due}")
    return format_lazy(text, what=what, due=due)


def message_body(obligation: Obligation) -> Any:
    return format_lazy(
        gettext_lazy("Team agreement “{agreement}”. Assigned to: {assignee}."),
        agreement=obligation.agreement.title,
        assignee=obligation.assignee or gettext_lazy("nobody"),
    )


def obligation_url(obligation: Obligation) -> str:
    """The deliverable itself if its kind links to it, else the obligations list."""
    kind = _kind(obligation)
    if kind is not None:
        try:
            url = kind.url(obligation.deliverable.key)
        except Exception:
            log.exception("url of %s failed", obligation.deliverable)
            url = None
        if url:
            return url
    try:
        base = reverse("agreements:obligations", kwargs={"pk": obligation.agreement_id})
    except NoReverseMatch:
        return ""
    return f"{base}?obligation={obligation.pk}"


def _notify(obligation: Obligation, step: EscalationStep, now: datetime, people: list[Any]) -> str:
    people = [p for p in people if p is not None and p.is_active]
    if not people:
        raise Skipped(_("nobody to notify"))
    topic = (
        "agreement.at_risk"
        if step.trigger == EscalationStep.Trigger.AT_RISK
        else "agreement.breach"
    )
    notify(
        recipients=people,
        topic=topic,
        title=message_title(obligation, step),
        body=message_body(obligation),
        url=obligation_url(obligation),
        dedupe_key=f"obligation:{obligation.pk}:step:{step.pk}",
        at=now,
    )
    return _("notified %(names)s") % {"names": ", ".join(str(p) for p in people)}


# --- the actions ----------------------------------------------------------------


def notify_assignee(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    if obligation.assignee is None:
        raise Skipped(_("nobody is assigned"))
    return _notify(obligation, step, now, [obligation.assignee])


def _team_id(obligation: Obligation) -> int:
    return obligation.team_id or obligation.agreement.receiver_team_id


def notify_team_lead(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    leads = team_leads([_team_id(obligation)])
    if not leads:
        raise Skipped(_("the team has no team lead"))
    return _notify(obligation, step, now, leads)


def notify_management(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    people = management()
    if not people:
        raise Skipped(_("nobody has the management role"))
    return _notify(obligation, step, now, people)


def _hook(obligation: Obligation, name: str) -> Callable[..., None]:
    kind = _kind(obligation)
    if kind is None:
        raise Skipped(
            _("the deliverable kind %(kind)s is not registered")
            % {"kind": obligation.deliverable.kind}
        )
    hook = getattr(kind, name)
    if hook is None:
        labels = {
            "reassign": _("this kind cannot be reassigned"),
            "return_to_provider": _("this kind cannot be returned to the provider"),
            "fulfil_by_default": _("this kind cannot be counted as fulfilled"),
        }
        raise Skipped(labels[name])
    return hook  # type: ignore[no-any-return]


def _reassign(obligation: Obligation, user: User | None) -> None:
    hook = _hook(obligation, "reassign")
    hook(obligation.deliverable.key, user.pk if user else None, None)
    obligation.assignee = user
    obligation.changed_at = timezone.now()
    obligation.save(update_fields=["assignee", "changed_at"])


def _deputy_of(person: User, obligation: Obligation, now: datetime) -> User | None:
    covering = effective_assignee(person, now)
    if covering.pk != person.pk:
        return covering
    absence = absence_at(person, now)
    if absence is not None and absence.deputy.is_active and absence.deputy.pk != person.pk:
        return absence.deputy
    leads = [u for u in team_leads([_team_id(obligation)]) if u.pk != person.pk]
    return leads[0] if leads else None


def reassign_deputy(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    person = obligation.assignee
    if person is None:
        raise Skipped(_("nobody is assigned, so there is no deputy"))
    deputy = _deputy_of(person, obligation, now)
    if deputy is None:
        raise Skipped(_("%(person)s has no deputy and the team no other lead") % {"person": person})
    _reassign(obligation, deputy)
    return _("reassigned from %(old)s to %(new)s") % {"old": person, "new": deputy}


def reassign_queue(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    before = obligation.assignee
    _reassign(obligation, None)
    return _("put back in the team's queue (was %(old)s)") % {"old": before or "—"}


def return_to_provider(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    hook = _hook(obligation, "return_to_provider")
    hook(obligation.deliverable.key, None)
    # The breach stands: returning the work does not undo the missed deadline.
    return _("returned to the provider; the breach stands")


def fulfil_by_default(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    hook = _hook(obligation, "fulfil_by_default")
    try:
        from interlock.agreements import engine

        count = engine.fulfil_by_default  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        raise Skipped(_("the engine cannot count obligations as fulfilled yet")) from None
    count(obligation, at=now)
    hook(obligation.deliverable.key, None)
    return _("counted as fulfilled by default")


def meeting_agenda(obligation: Obligation, step: EscalationStep, now: datetime) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        title = str(message_title(obligation, step))
    item = AgendaItem.objects.create(
        agreement_id=obligation.agreement_id,
        obligation=obligation,
        title=title[:300],
        created_at=now,
    )
    return _("put on the next joint meeting's agenda (topic %(pk)s)") % {"pk": item.pk}


HANDLERS: dict[str, Callable[[Obligation, EscalationStep, datetime], str]] = {
    Action.NOTIFY_ASSIGNEE: notify_assignee,
    Action.NOTIFY_TEAM_LEAD: notify_team_lead,
    Action.NOTIFY_MANAGEMENT: notify_management,
    Action.REASSIGN_DEPUTY: reassign_deputy,
    Action.REASSIGN_QUEUE: reassign_queue,
    Action.RETURN_TO_PROVIDER: return_to_provider,
    Action.FULFIL_BY_DEFAULT: fulfil_by_default,
    Action.MEETING_AGENDA: meeting_agenda,
}
