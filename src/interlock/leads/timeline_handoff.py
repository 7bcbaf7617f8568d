"""Lifecycle and handoff events on the contact and account timelines."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

KIND = "lead"


def _targets(event: Any) -> list[tuple[int | None, int | None]]:
    pairs: list[tuple[int | None, int | None]] = []
    if event.payload.get("account_id"):
        pairs.append((event.payload["account_id"], None))
    if event.payload.get("contact_id"):
        pairs.append((None, event.payload["contact_id"]))
    return pairs


def _stage(value: str) -> str:
    from interlock.leads.moves import stage_label

    return stage_label(value) if value else _t("no stage")


def _stage_title(event: Any) -> str:
    return _t("Lifecycle: %(from)s → %(to)s") % {
        "from": _stage(event.payload.get("from", "")),
        "to": _stage(event.payload.get("to", "")),
    }


def _stage_summary(event: Any) -> str:
    reason = event.payload.get("reason") or ""
    rule = event.payload.get("rule") or ""
    if reason:
        return str(reason)
    return _t("by rule %(rule)s") % {"rule": rule} if rule else ""


def _reason(event: Any) -> str:
    from interlock.leads.models import RejectionReason
    from interlock.leads.services_handoff import reason_label

    code = event.payload.get("reason_code", "")
    found = RejectionReason(code=code, name=event.payload.get("reason", ""))
    return reason_label(found)


def _rejected_summary(event: Any) -> str:
    comment = event.payload.get("comment") or ""
    reason = _reason(event)
    return f"{reason}: {comment}" if comment else reason


def register_handoff() -> None:
    """Timeline entries and deal subscribers of the lifecycle part (called from register_all)."""
    from interlock.customers import timeline
    from interlock.leads import subscribers_handoff

    label = _("Lead management")
    timeline.register(
        "lead.stage_changed",
        kind=KIND,
        title=_stage_title,
        targets=_targets,
        summary=_stage_summary,
        label=label,
    )
    timeline.register(
        "lead.handed_off",
        kind=KIND,
        title=lambda e: _t("Lead handed to sales"),
        targets=_targets,
    )
    timeline.register(
        "lead.accepted",
        kind=KIND,
        title=lambda e: _t("Lead accepted by sales"),
        targets=_targets,
        summary=lambda e: str(e.payload.get("comment") or ""),
    )
    timeline.register(
        "lead.rejected",
        kind=KIND,
        title=lambda e: _t("Lead rejected by sales: %(reason)s") % {"reason": _reason(e)},
        targets=_targets,
        summary=_rejected_summary,
    )
    timeline.register(
        "lead.recycled",
        kind=KIND,
        title=lambda e: _t("Lead returned to marketing (recycled)"),
        targets=_targets,
    )
    subscribers_handoff.register()
