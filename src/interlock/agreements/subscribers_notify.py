"""After-commit notifications of agreements: proposals to sign, activations, disputes.

Each notification carries a dedupe key, so an event delivered twice (a
retry, a replay) notifies nobody twice.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from interlock.agreements.models import Agreement, AgreementVersion, BreachDispute
from interlock.agreements.selectors_disputes import team_leads
from interlock.core import events
from interlock.notify.services import notify


def _agreement_of(event: Any) -> tuple[Agreement | None, int | None]:
    """(agreement, version id) of an agreement event, whatever its subject is."""
    payload = event.payload or {}
    version_id = payload.get("version_id")
    if event.subject_type == "agreements.agreementversion":
        version_id = version_id or event.subject_id
    agreement_id = payload.get("agreement_id")
    if event.subject_type == "agreements.agreement":
        agreement_id = agreement_id or event.subject_id
    if not agreement_id and version_id:
        agreement_id = (
            AgreementVersion.objects.filter(pk=version_id)
            .values_list("agreement_id", flat=True)
            .first()
        )
    agreement = Agreement.objects.filter(pk=agreement_id).first() if agreement_id else None
    return agreement, version_id


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def agreement_url(agreement: Agreement) -> str:
    return _url("agreements:detail", agreement.pk) or _url("agreements:agreement", agreement.pk)


def _both_leads(agreement: Agreement) -> list[Any]:
    return team_leads([agreement.provider_team_id, agreement.receiver_team_id])


def on_agreement_proposed(event: Any) -> None:
    agreement, version_id = _agreement_of(event)
    if agreement is None:
        return
    notify(
        recipients=[u for u in _both_leads(agreement) if u.pk != event.actor_id],
        topic="agreement.proposed",
        title=format_lazy(_("Please review and sign “{title}”"), title=agreement.title),
        body=format_lazy(
            _("{provider} and {receiver} need a team lead of each side to sign."),
            provider=agreement.provider_team,
            receiver=agreement.receiver_team,
        ),
        url=agreement_url(agreement),
        dedupe_key=f"agreement:{agreement.pk}:version:{version_id}:proposed",
        at=event.occurred_at,
    )


def on_agreement_activated(event: Any) -> None:
    agreement, version_id = _agreement_of(event)
    if agreement is None:
        return
    notify(
        recipients=_both_leads(agreement),
        topic="agreement.activated",
        title=format_lazy(_("“{title}” is signed and in force"), title=agreement.title),
        url=agreement_url(agreement),
        dedupe_key=f"agreement:{agreement.pk}:version:{version_id}:activated",
        at=event.occurred_at,
    )


def _dispute(event: Any) -> BreachDispute | None:
    if event.subject_type != "agreements.breachdispute":
        return None
    return (
        BreachDispute.objects.select_related("agreement", "raised_by")
        .filter(pk=event.subject_id)
        .first()
    )


def disputes_url(dispute: BreachDispute) -> str:
    try:
        return f"{reverse('agreements:disputes')}?agreement={dispute.agreement_id}"
    except NoReverseMatch:
        return ""


def on_dispute_raised(event: Any) -> None:
    dispute = _dispute(event)
    if dispute is None:
        return
    # Both sides' leads decide, so each of them hears of it (not the one who raised it).
    notify(
        recipients=[u for u in _both_leads(dispute.agreement) if u.pk != event.actor_id],
        topic="breach_dispute.raised",
        title=format_lazy(
            _("{person} disputes a breach of “{title}”"),
            person=dispute.raised_by,
            title=dispute.agreement.title,
        ),
        body=dispute.reason,
        url=disputes_url(dispute),
        dedupe_key=f"dispute:{dispute.pk}:raised",
        at=event.occurred_at,
    )


def on_dispute_settled(event: Any) -> None:
    dispute = _dispute(event)
    if dispute is None:
        return
    recipients = [*_both_leads(dispute.agreement), dispute.raised_by]
    if dispute.status == BreachDispute.Status.WAIVED:
        title = _("A disputed breach of “{title}” is waived")
    else:
        title = _("A disputed breach of “{title}” stands")
    notify(
        recipients=[u for u in recipients if u.pk != event.actor_id],
        topic="breach_dispute.settled",
        title=format_lazy(title, title=dispute.agreement.title),
        body=dispute.note,
        url=disputes_url(dispute),
        dedupe_key=f"dispute:{dispute.pk}:settled",
        at=event.occurred_at,
    )


def register_notify() -> None:
    events.subscribe("agreement.proposed", name="agreements.notify.proposed")(on_agreement_proposed)
    events.subscribe("agreement.activated", name="agreements.notify.activated")(
        on_agreement_activated
    )
    events.subscribe("breach_dispute.raised", name="agreements.notify.dispute_raised")(
        on_dispute_raised
    )
    events.subscribe("breach_dispute.settled", name="agreements.notify.dispute_settled")(
        on_dispute_settled
    )
