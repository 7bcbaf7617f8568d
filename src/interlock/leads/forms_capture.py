"""Forms of the capture pages: the embeddable form's settings, and the public submission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlock.campaigns.models import Campaign
from interlock.leads.services_capture import UTM_KEYS, CaptureData

# The hidden field bots fill and people never see (a plausible name on purpose).
HONEYPOT = "website"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValidationError(_("Text must not contain NUL characters."))
    return value


class CaptureFormForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("-starts_on", "name"),
        required=False,
        help_text=_("Submissions count as responses to this campaign."),
    )
    allowed_origins = forms.CharField(
        label=_("Allowed origins"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The websites the form may be posted from, one per line, e.g. https://www.example.com."
        ),
    )
    consent_text = forms.CharField(
        label=_("Consent text shown"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the button and stored with every submission."),
    )
    thank_you = forms.CharField(label=_("Thank-you message"), required=False, max_length=300)
    redirect_url = forms.URLField(
        label=_("Redirect after submit"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Leave empty to show the thank-you message."),
    )
    language = forms.ChoiceField(
        label=_("Language of the form"), choices=[("de", _("German")), ("en", _("English"))]
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("name", "allowed_origins", "consent_text", "thank_you"):
            if isinstance(data.get(name), str):
                _no_nul(data[name])
        return data


class SubmissionForm(forms.Form):
    """What the embedded form posts; lengths are the model's, the service checks the rest."""

    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    domain = forms.CharField(label=_("Website"), max_length=253, required=False)
    title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    country = forms.CharField(label=_("Country"), max_length=60, required=False)
    newsletter_only = forms.BooleanField(required=False)
    utm_source = forms.CharField(max_length=100, required=False)
    utm_medium = forms.CharField(max_length=100, required=False)
    utm_campaign = forms.CharField(max_length=100, required=False)
    utm_term = forms.CharField(max_length=100, required=False)
    utm_content = forms.CharField(max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Text must not contain NUL characters."))
        return data

    def capture_data(self, consent_text: str) -> CaptureData:
        d = self.cleaned_data
        return CaptureData(
            email=d["email"],
            phone=d["phone"],
            first_name=d["first_name"],
            last_name=d["last_name"],
            company=d["company"],
            domain=d["domain"],
            title=d["title"],
            country=d["country"],
            utm={key: d[key] for key in UTM_KEYS if d.get(key)},
            consent_text=consent_text,
            newsletter_only=bool(d["newsletter_only"]),
        )
