"""Forms of the organisation pages. They parse input; rules stay in org.services."""

from __future__ import annotations

import itertools
import re
import zoneinfo
from datetime import time
from decimal import Decimal
from functools import lru_cache
from typing import Any

import holidays
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from interlock.core.forms import DateInput, LocalDateTimeInput
from interlock.org.models import Membership, User, WorkingHours

Week = dict[int, list[tuple[time, time]]]

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        title = f" – {obj.title}" if getattr(obj, "title", "") else ""
        return f"{obj}{title}"


class MemberAddForm(forms.Form):
    user = PersonChoiceField(
        label=_("Person"), queryset=User.objects.none(), empty_label=_("Choose a person")
    )
    role = forms.ChoiceField(label=_("Role in the team"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the team"), choices=Membership.Role.choices)


@lru_cache(maxsize=1)
def _zone_choices() -> list[tuple[str, str]]:
    return [
        (zone, zone)
        for zone in sorted(zoneinfo.available_timezones())
        if "/" in zone or zone == "UTC"
    ]


@lru_cache(maxsize=1)
def _country_choices() -> list[tuple[str, str]]:
    from holidays.registry import COUNTRIES

    names = {codes[1]: key.replace("_", " ").title() for key, codes in COUNTRIES.items()}
    supported = holidays.list_supported_countries()
    return sorted(
        ((code, f"{names.get(code, code)} ({code})") for code in supported), key=lambda c: c[1]
    )


def parse_windows(text: str) -> list[tuple[time, time]]:
    """``"09:00-12:00, 13:00-17:00"`` → two windows; empty text → a day off."""
    windows = []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        match = _WINDOW.match(part)
        if not match:
            raise ValidationError(
                _("Write working hours like 09:00-17:00; separate several with commas.")
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError:
            raise ValidationError(
                _("%(text)s is not a valid time."), params={"text": part}
            ) from None
        if end <= start:
            raise ValidationError(
                _("The time window %(text)s ends before it starts."), params={"text": part}
            )
        windows.append((start, end))
    windows.sort()
    for (_s1, e1), (s2, _e2) in itertools.pairwise(windows):
        if s2 < e1:
            raise ValidationError(_("The working hours overlap."))
    return windows


def format_windows(rows: list[WorkingHours]) -> str:
    return ", ".join(f"{r.start:%H:%M}-{r.end:%H:%M}" for r in rows)


class CalendarForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=())
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("Public holidays of this country count as days off."),
    )
    subdivision = forms.CharField(
        label=_("State or region"),
        max_length=10,
        required=False,
        help_text=_("Optional, e.g. BY for Bavaria: adds that state's public holidays."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = _zone_choices()  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("no public holidays")), *_country_choices()]  # type: ignore[attr-defined]
        for value, label in WorkingHours.Weekday.choices:
            self.fields[f"day_{value}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                widget=forms.TextInput(
                    attrs={"placeholder": "09:00-17:00", "inputmode": "numeric"}
                ),
            )

    @property
    def day_fields(self) -> list[forms.BoundField]:
        return [self[f"day_{value}"] for value, _label in WorkingHours.Weekday.choices]

    def clean_subdivision(self) -> str:
        return str(self.cleaned_data["subdivision"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        week: Week = {}
        for value, _label in WorkingHours.Weekday.choices:
            name = f"day_{value}"
            if name in self.errors:
                continue
            try:
                week[value] = parse_windows(data.get(name, ""))
            except ValidationError as exc:
                self.add_error(name, exc)
        data["week"] = week
        return data


class CompanyHolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=100)


class DueTimeForm(forms.Form):
    start = forms.DateTimeField(label=_("Start"), widget=LocalDateTimeInput())
    hours = forms.DecimalField(
        label=_("Business hours"),
        min_value=Decimal(0),
        max_value=Decimal(10000),
        max_digits=8,
        decimal_places=2,
    )


class AbsenceForm(forms.Form):
    user = PersonChoiceField(label=_("Absent person"), queryset=User.objects.none())
    deputy = PersonChoiceField(
        label=_("Deputy"),
        queryset=User.objects.none(),
        help_text=_("Takes over time-bound work while the person is away."),
    )
    starts_at = forms.DateTimeField(label=_("From"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Until"), widget=LocalDateTimeInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(
        self, *args: Any, subjects: QuerySet[User], deputies: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = subjects  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = deputies  # type: ignore[attr-defined]
