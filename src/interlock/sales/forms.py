"""Forms of the sales pages; they only parse — rules live in sales.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.core.forms import DateInput
from interlock.customers.models import Account, Contact
from interlock.org.models import User
from interlock.sales.models import LostReason, Product, Stage

NUL_MESSAGE = _("Text must not contain NUL characters.")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(NUL_MESSAGE)
    return value


class DealForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.order_by("name"))
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.order_by("last_name"), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Za-z]{3}$",
        initial="EUR",
        error_messages={"invalid": _("Use a three-letter ISO 4217 code such as EUR.")},
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DateInput()
    )

    def clean_title(self) -> str:
        return _no_nul(self.cleaned_data["title"])


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Move to"), queryset=Stage.objects.all())
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=LostReason.objects.filter(active=True), required=False
    )


class LoseForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Why was it lost?"), queryset=LostReason.objects.filter(active=True)
    )


class QuoteLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(active=True), required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3)
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
    )
    discount_amount = forms.DecimalField(
        label=_("Discount amount"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    buy_quantity = forms.IntegerField(
        label=_("Buy N"), min_value=1, max_value=1_000_000, required=False
    )
    free_quantity = forms.IntegerField(
        label=_("Get M free"), min_value=1, max_value=1_000_000, required=False
    )

    def clean_description(self) -> str:
        return _no_nul(self.cleaned_data.get("description") or "")

    def clean_quantity(self) -> Decimal:
        quantity: Decimal = self.cleaned_data["quantity"]
        if quantity < 0:
            raise forms.ValidationError(_("The quantity must not be negative."))
        return quantity

    def spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "product": data.get("product"),
            "description": data.get("description") or "",
            "quantity": data["quantity"],
            "unit_price": data.get("unit_price"),
            "discount_percent": data.get("discount_percent") or Decimal(0),
            "discount_amount": data.get("discount_amount") or Decimal(0),
            "buy_quantity": data.get("buy_quantity"),
            "free_quantity": data.get("free_quantity"),
        }


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, extra=3, max_num=200, validate_max=True, absolute_max=200
)
