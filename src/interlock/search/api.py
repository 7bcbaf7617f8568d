"""REST endpoints of the search app (mounted in interlock/api.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from interlock.core.api import ApiRequest
from interlock.core.pagination import (
    Cursor,
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    page_schema,
)
from interlock.core.schemas import PROBLEMS, Text
from interlock.search import selectors

router = Router(tags=["search"])

Kind = Literal["account", "contact", "deal", "complaint", "idea"]


class HitOut(Schema):
    kind: Kind
    id: int
    title: str
    subtitle: str = Field(description="e.g. the account of a contact; may be empty.")
    url: str = Field(description="The record's page.")
    rank: float = Field(description="Higher is a better match; only for ordering.")


HitPage = page_schema(HitOut, "SearchHitPage")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    (offset,) = decode_cursor(cursor, 1)
    if not isinstance(offset, int) or not 0 < offset <= selectors.MAX_OFFSET:
        raise InvalidCursor(
            _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
        )
    return offset


@router.get("/search", response={200: HitPage, **PROBLEMS}, summary="Search the customer record")
def search(
    request: ApiRequest,
    q: Annotated[
        Text,
        Query(
            max_length=selectors.MAX_QUERY_CHARS,
            description="Words to find; the last also matches as a prefix.",
        ),
    ],
    kind: Annotated[
        list[Kind] | None, Query(description="Only these kinds (repeat the parameter).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Hits per page (1–100).")] = 20,
    cursor: Cursor = None,
) -> Any:
    """Ranked hits among accounts, contacts, deals, complaints and ideas the caller may view."""
    if not q.strip():
        raise ValidationError({"q": _("Enter something to search for.")})
    offset = _offset(cursor)
    hits = selectors.search(request.auth, q, kinds=kind, limit=limit + 1, offset=offset)
    more = len(hits) > limit and offset + limit <= selectors.MAX_OFFSET
    return {
        "items": [hit.__dict__ for hit in hits[:limit]],
        "next_cursor": encode_cursor([offset + limit]) if more else None,
    }
