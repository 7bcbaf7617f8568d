"""Forms of the notification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.notify.models import Preference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail"), choices=Preference.Email.choices, widget=forms.RadioSelect
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Digest at"),
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        help_text=_("The daily digest goes out at this hour (the site's time zone)."),
    )
