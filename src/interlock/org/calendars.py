"""Bridge from the calendar tables to the pure business-time arithmetic."""

from __future__ import annotations

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from interlock.org.business_time import CalendarSpec, WorkingWindow
from interlock.org.models import BusinessCalendar


def validate_region(country: str | None, subdivision: str | None) -> None:
    """Raise ValidationError unless the holidays package knows the region."""
    if not country:
        if subdivision:
            raise ValidationError(_("A state needs a country."))
        return
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValidationError(_("%(country)s is not a supported country.") % {"country": country})
    if subdivision and subdivision not in supported[country]:
        raise ValidationError(
            _("%(state)s is not a state of %(country)s; choose one of %(choices)s.")
            % {"state": subdivision, "country": country, "choices": ", ".join(supported[country])}
        )


def spec_for(calendar: BusinessCalendar) -> CalendarSpec:
    """The immutable spec of a team's calendar, for business-hour arithmetic."""
    week: dict[int, list[WorkingWindow]] = {day: [] for day in range(7)}
    for row in calendar.hours.all():
        week[row.weekday].append(WorkingWindow(start=row.start, end=row.end))
    return CalendarSpec(
        timezone=calendar.timezone,
        week={day: tuple(sorted(w, key=lambda x: x.start)) for day, w in week.items()},
        country=calendar.country or None,
        subdivision=calendar.subdivision or None,
        company_holidays=frozenset(calendar.company_holidays.values_list("date", flat=True)),
    )
