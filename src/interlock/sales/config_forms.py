"""Forms of the sales settings pages (pipelines, lost reasons, products, price lists).

They only parse; the rules (a pipeline needs open, won and lost stages, free-goods
pairs, price list dates) live in sales.services and come back as form errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.core.forms import DateInput
from interlock.sales.models import Product, Stage
from interlock.sales.services import StageSpec

MAX_STAGES = 20


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("Text must not contain NUL characters."))
    return value


class PipelineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    open_stages = forms.CharField(
        label=_("Open stages, in order"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One stage per line, optionally with its win probability after a colon, "
            "e.g. “Qualification: 10”. Won and lost stages are added at the end."
        ),
    )
    won_name = forms.CharField(label=_("Name of the won stage"), max_length=100, initial=_("Won"))
    lost_name = forms.CharField(
        label=_("Name of the lost stage"), max_length=100, initial=_("Lost")
    )
    is_default = forms.BooleanField(label=_("Default pipeline for new deals"), required=False)

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"]).strip()

    def clean_open_stages(self) -> list[StageSpec]:
        specs: list[StageSpec] = []
        lines = [ln.strip() for ln in _no_nul(self.cleaned_data["open_stages"]).splitlines()]
        for number, line in enumerate((ln for ln in lines if ln), start=1):
            name, _sep, raw = line.partition(":")
            name = name.strip()
            probability = 0
            if raw.strip():
                if not raw.strip().isdigit() or int(raw.strip()) > 100:
                    raise forms.ValidationError(
                        _("Line %(n)d: the probability must be a whole number from 0 to 100.")
                        % {"n": number}
                    )
                probability = int(raw.strip())
            if not name or len(name) > 100:
                raise forms.ValidationError(
                    _("Line %(n)d: give the stage a name of at most 100 characters.")
                    % {"n": number}
                )
            specs.append(StageSpec(name=name, probability=probability))
        if not specs:
            raise forms.ValidationError(_("Give at least one open stage."))
        if len(specs) > MAX_STAGES:
            raise forms.ValidationError(_("At most %(n)d open stages, please.") % {"n": MAX_STAGES})
        return specs

    def stages(self) -> list[StageSpec]:
        data = self.cleaned_data
        return [
            *data["open_stages"],
            StageSpec(name=data["won_name"].strip(), probability=100, kind=Stage.Kind.WON),
            StageSpec(name=data["lost_name"].strip(), probability=0, kind=Stage.Kind.LOST),
        ]


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    probability = forms.IntegerField(label=_("Probability %"), min_value=0, max_value=100)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000)

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"]).strip()


class LostReasonForm(forms.Form):
    name = forms.CharField(label=_("New reason"), max_length=100)

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"]).strip()


class FreeGoodsFields(forms.Form):
    buy_quantity = forms.IntegerField(
        label=_("Buy (units)"), min_value=1, max_value=1_000_000, required=False
    )
    free_quantity = forms.IntegerField(
        label=_("Get free (units)"), min_value=1, max_value=1_000_000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("buy_quantity") is None) != (data.get("free_quantity") is None):
            raise forms.ValidationError(_("Give both “buy” and “free” quantities, or neither."))
        return data


class ProductForm(FreeGoodsFields):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="pc")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("Active (can be quoted)"), required=False, initial=True)

    field_order = ["sku", "name", "unit", "description", "buy_quantity", "free_quantity"]

    def clean_sku(self) -> str:
        return _no_nul(self.cleaned_data["sku"]).strip()

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"]).strip()

    def clean_description(self) -> str:
        return _no_nul(self.cleaned_data["description"])


class PriceListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Za-z]{3}$",
        initial="EUR",
        error_messages={"invalid": _("Use a three-letter ISO 4217 code such as EUR.")},
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    is_default = forms.BooleanField(label=_("Default price list"), required=False)

    def clean_name(self) -> str:
        return _no_nul(self.cleaned_data["name"]).strip()


class PriceForm(FreeGoodsFields):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(active=True).order_by("name")
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=12, decimal_places=2, min_value=0
    )

    field_order = ["product", "unit_price", "buy_quantity", "free_quantity"]
