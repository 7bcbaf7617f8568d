"""How sales events show on account and contact timelines (registered in ready())."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from interlock.customers import timeline


def _targets(event: Any) -> Iterable[tuple[int | None, int | None]]:
    payload = event.payload or {}
    account_id = payload.get("account_id")
    contact_id = payload.get("contact_id")
    # One row serves both timelines: the account's and (if any) the contact's.
    return [(account_id, contact_id or None)]


def _money(event: Any) -> str:
    p = event.payload or {}
    return f"{p.get('amount', '')} {p.get('currency', '')}".strip()


def register_all() -> None:
    deal = "deal"
    quote = "quote"
    timeline.register_kind(deal, gettext_lazy("Deal"))
    timeline.register_kind(quote, gettext_lazy("Quote"))
    timeline.register(
        "deal.created",
        kind=deal,
        title=lambda e: _("Deal created: %(t)s") % {"t": e.payload.get("title", "")},
        targets=_targets,
        summary=_money,
    )
    timeline.register(
        "deal.stage_changed",
        kind=deal,
        title=lambda e: (
            _("Deal %(t)s moved from %(a)s to %(b)s")
            % {
                "t": e.payload.get("title", ""),
                "a": e.payload.get("from_stage", ""),
                "b": e.payload.get("to_stage", ""),
            }
        ),
        targets=_targets,
    )
    timeline.register(
        "deal.won",
        kind=deal,
        title=lambda e: _("Deal won: %(t)s") % {"t": e.payload.get("title", "")},
        targets=_targets,
        summary=_money,
    )
    timeline.register(
        "deal.lost",
        kind=deal,
        title=lambda e: _("Deal lost: %(t)s") % {"t": e.payload.get("title", "")},
        targets=_targets,
        summary=lambda e: _("Reason: %(r)s") % {"r": e.payload.get("reason", "")},
    )
    for event_type, text in (
        ("quote.created", gettext_noop("Quote %(n)s created for %(d)s")),
        ("quote.sent", gettext_noop("Quote %(n)s sent for %(d)s")),
        ("quote.accepted", gettext_noop("Quote %(n)s accepted for %(d)s")),
        ("quote.rejected", gettext_noop("Quote %(n)s rejected for %(d)s")),
    ):
        timeline.register(
            event_type,
            kind=quote,
            title=_quote_title(text),
            targets=_targets,
        )


def _quote_title(text: str) -> Callable[[Any], str]:
    def title(event: Any) -> str:
        p = event.payload or {}
        return _(text) % {"n": p.get("number", ""), "d": p.get("deal", "")}

    return title
