"""API schemas of the organisation: people, teams, calendars, absences."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BaseModel, model_validator

from interlock.core.schemas import DbId, Instant, PatchSchema, TeamRef, Text, UserRef

RoleName = Literal["admin", "management", "member", "readonly"]
TeamRole = Literal["member", "lead"]
Username = Annotated[str, Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
Name = Annotated[Text, Field(max_length=150)]
Email = Annotated[Text, Field(max_length=254)]
Language = Literal["", "en", "de"]


# --- people -------------------------------------------------------------------


class MembershipOfUser(Schema):
    team: TeamRef
    role: TeamRole


class UserOut(Schema):
    id: int
    username: str
    name: str
    first_name: str
    last_name: str
    email: str
    role: RoleName
    title: str
    language: str
    is_active: bool
    teams: list[MembershipOfUser]

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)

    @staticmethod
    def resolve_role(obj: Any) -> str:
        return "admin" if obj.is_superuser else str(obj.role)

    @staticmethod
    def resolve_teams(obj: Any) -> list[Any]:
        return list(obj.memberships.all())


class TeamRefRow(BaseModel):
    id: int
    name: str
    slug: str


class MembershipRow(BaseModel):
    team: TeamRefRow
    role: TeamRole


class UserListItem(BaseModel):
    """A user in a list: the same fields as UserOut, built from plain rows.

    Plain pydantic (not a ninja Schema) so a 50-row page validates in
    microseconds instead of resolving attributes row by row.
    """

    id: int
    username: str
    name: str
    first_name: str
    last_name: str
    email: str
    role: RoleName
    title: str
    language: str
    is_active: bool
    teams: list[MembershipRow]


def user_list_item(user: Any, teams: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": "admin" if user.is_superuser else user.role,
        "title": user.title,
        "language": user.language,
        "is_active": user.is_active,
        "teams": teams,
    }


class MeOut(UserOut):
    auth: Literal["token", "session"] = Field(description="How this request was authenticated.")
    scope: Literal["read", "write"] | None = Field(
        description="Scope of the token used; null when signed in with the browser session."
    )
    may_write: bool


class UserIn(Schema):
    username: Username
    email: Email = ""
    first_name: Name = ""
    last_name: Name = ""
    role: RoleName = "member"
    title: Annotated[Text, Field(max_length=120)] = ""
    language: Language = ""
    is_active: bool = True


class UserPatch(PatchSchema):
    email: Email | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    role: RoleName | None = None
    title: Annotated[Text, Field(max_length=120)] | None = None
    language: Language | None = None
    is_active: bool | None = None


class AssigneeOut(Schema):
    user: UserRef
    assignee: UserRef = Field(description="Who does the user's deadline-bound work at `at`.")
    away: bool
    at: datetime


# --- teams --------------------------------------------------------------------


class MemberOut(Schema):
    user: UserRef
    role: TeamRole
    joined_at: datetime


class WindowSchema(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday.")
    start: time
    end: time

    @model_validator(mode="after")
    def _naive(self) -> WindowSchema:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError(_("Working hours are wall times without a time zone."))
        return self


class HolidaySchema(Schema):
    date: date
    name: Annotated[Text, Field(min_length=1, max_length=100)]


class CalendarOut(Schema):
    timezone: str
    country: str
    subdivision: str = Field(description="State, e.g. `BY`; empty for the whole country.")
    week: list[WindowSchema]
    company_holidays: list[HolidaySchema]

    @staticmethod
    def resolve_week(obj: Any) -> list[Any]:
        return list(obj.hours.all())

    @staticmethod
    def resolve_company_holidays(obj: Any) -> list[Any]:
        return list(obj.company_holidays.all())


class CalendarIn(Schema):
    timezone: Annotated[Text, Field(min_length=1, max_length=64)]
    country: Annotated[Text, Field(max_length=2)] = ""
    subdivision: Annotated[Text, Field(max_length=10)] = ""
    week: list[WindowSchema] = Field(max_length=100)
    company_holidays: list[HolidaySchema] | None = Field(
        None, max_length=1000, description="Replaces the company holidays; omit to keep them."
    )

    @model_validator(mode="after")
    def _one_holiday_a_day(self) -> CalendarIn:
        days = [h.date for h in self.company_holidays or ()]
        if len(days) != len(set(days)):
            raise ValueError(_("Each date may appear once among the company holidays."))
        return self


TeamFunction = Literal["marketing", "sales", "customer_success", "management", "other"]


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    function: TeamFunction
    created_at: datetime
    member_count: int

    @staticmethod
    def resolve_member_count(obj: Any) -> int:
        count = getattr(obj, "member_count", None)
        return int(count) if count is not None else obj.memberships.count()


class TeamDetailOut(TeamOut):
    members: list[MemberOut]
    calendar: CalendarOut | None

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.memberships.all())

    @staticmethod
    def resolve_calendar(obj: Any) -> Any:
        return getattr(obj, "calendar", None)


class TeamIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    slug: Annotated[Text, Field(max_length=50)] = ""
    description: Annotated[Text, Field(max_length=5000)] = ""
    function: TeamFunction = "other"
    timezone: Annotated[Text, Field(min_length=1, max_length=64)] = "Europe/Berlin"
    country: Annotated[Text, Field(max_length=2)] = "DE"
    subdivision: Annotated[Text, Field(max_length=10)] = ""
    week: list[WindowSchema] | None = Field(
        None, max_length=100, description="Working hours; default Monday–Friday 9–17."
    )


class TeamPatch(PatchSchema):
    name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    description: Annotated[Text, Field(max_length=5000)] | None = None
    function: TeamFunction | None = None


class MembershipIn(Schema):
    role: TeamRole = "member"


class DueOut(Schema):
    due: datetime


class HoursOut(Schema):
    hours: float = Field(description="Business hours, exact to the microsecond.")


MAX_HOURS = Decimal(100_000)


# --- absences -----------------------------------------------------------------


class AbsenceOut(Schema):
    id: int
    user: UserRef
    deputy: UserRef
    starts_at: datetime
    ends_at: datetime
    reason: str


class AbsenceIn(Schema):
    user_id: DbId
    deputy_id: DbId
    starts_at: Instant
    ends_at: Instant
    reason: Annotated[Text, Field(max_length=200)] = ""
