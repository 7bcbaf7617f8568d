"""Shared API schemas and input types: ids, safe text, instants, problems.

The input types reject what a database would choke on (ids beyond 64 bits,
NUL characters, lone surrogates, instants outside a sane range) with a 422
instead of letting them reach the database and end as a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, model_validator

MAX_DB_ID = 2**63 - 1
MIN_YEAR = 1900
MAX_YEAR = 2999

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Text must not contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Text must be valid Unicode.")) from None
    return value


def _check_instant(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(_("The time is out of range.")) from None
    if not MIN_YEAR <= utc.year <= MAX_YEAR or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            _("The time must lie between the years %(min)d and %(max)d.")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    # In UTC from here on: databases refuse odd offsets such as +19:55.
    return utc


Text = Annotated[str, AfterValidator(_clean_text)]
Instant = Annotated[AwareDatetime, AfterValidator(_check_instant)]


class PatchSchema(Schema):
    """A partial update: omitted fields stay; ``null`` is refused unless allowed."""

    nullable: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_nulls(self) -> PatchSchema:
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self.nullable:
                raise ValueError(
                    _("%(field)s may be left out, but it cannot be null.") % {"field": name}
                )
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class FieldError(Schema):
    field: str | None = Field(None, description="Dotted path of the field, or null.")
    message: str


class Problem(Schema):
    """An RFC 9457 problem document (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


# Problems every authenticated operation may answer with.
PROBLEMS: dict[int, type[Schema]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    422: Problem,
    429: Problem,
}


class UserRef(Schema):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class TeamRef(Schema):
    id: int
    name: str
    slug: str


Order = Literal["asc", "desc"]
