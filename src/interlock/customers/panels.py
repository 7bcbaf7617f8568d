"""Panels that higher apps add to the contact page (lead status, score, consent, ...).

The customer record must not import the apps above it, so they register the
URL name of a partial that takes the contact's id; the contact page loads each
one with htmx (and links to it for browsers without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Panel:
    url_name: str
    title: str | Promise
    order: int


_contact_panels: dict[str, Panel] = {}


def register_contact_panel(url_name: str, *, title: str | Promise, order: int = 100) -> None:
    """Show the partial at ``url_name`` (one argument: the contact's pk) on the contact page."""
    _contact_panels[url_name] = Panel(url_name, title, order)


def contact_panels(contact_pk: int) -> list[dict[str, str]]:
    """The registered panels of one contact, in order, with their URLs."""
    panels = sorted(_contact_panels.values(), key=lambda p: (p.order, p.url_name))
    return [
        {"url": reverse(p.url_name, args=[contact_pk]), "title": str(p.title), "key": p.url_name}
        for p in panels
    ]
