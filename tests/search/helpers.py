"""Small builders shared by the search tests (records made through the services)."""

from __future__ import annotations

from typing import Any

from interlock.core import events
from interlock.customers import services as customers
from interlock.customers.models import Account, Contact
from interlock.search import selectors


def account(people: Any, name: str = "Kessler Maschinenbau GmbH", **kw: Any) -> Account:
    return customers.account_create(actor=people.member, name=name, **kw)


def contact(people: Any, last_name: str = "Becker", **kw: Any) -> Contact:
    return customers.contact_create(actor=people.member, last_name=last_name, **kw)


def found(user: Any, query: str, **kw: Any) -> list[tuple[str, int]]:
    """Deliver pending events, then (kind, id) of the hits in rank order."""
    events.deliver()
    return [(h.kind, h.id) for h in selectors.search(user, query, **kw)]
