"""Sales settings pages: pipelines and stages, lost reasons, products, price lists.

Only people with ``sales.configure`` (management, administrators) see them.
Every change goes through sales.services, so it is audited and recorded as an
event exactly as when it comes through the API. Plain forms and redirects: the
pages need no JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.sales import selectors, services
from interlock.sales.config_forms import (
    LostReasonForm,
    PipelineForm,
    PriceForm,
    PriceListForm,
    ProductForm,
    StageForm,
)
from interlock.sales.models import LostReason, PriceList, Product, Stage

INVALID = 422


def _render(request: HttpRequest, template: str, context: dict[str, Any], form: Form) -> Any:
    status = INVALID if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    context = selectors.settings_overview() | {"reason_form": LostReasonForm()}
    return render(request, "sales/config/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    form = PipelineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pipeline = services.pipeline_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                stages=form.stages(),
                is_default=form.cleaned_data["is_default"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pipeline “%(name)s” created.") % {"name": pipeline.name})
            return redirect("sales:settings")
    return _render(request, "sales/config/pipeline_form.html", {"form": form}, form)


@login_required
@require_POST
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    stage = get_object_or_404(Stage, pk=pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(
            request,
            _("Stage “%(name)s” was not changed: %(problems)s")
            % {"name": stage.name, "problems": problems},
        )
    else:
        messages.success(request, _("Stage “%(name)s” saved.") % {"name": stage.name})
    return redirect("sales:settings")


@login_required
@require_POST
def reason_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    form = LostReasonForm(request.POST)
    if form.is_valid():
        try:
            services.lost_reason_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        context = selectors.settings_overview() | {"reason_form": form}
        return render(request, "sales/config/overview.html", context, status=INVALID)
    messages.success(request, _("Lost reason added."))
    return redirect("sales:settings")


@login_required
@require_POST
def reason_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    reason = get_object_or_404(LostReason, pk=pk)
    services.lost_reason_set_active(actor=request.user, reason=reason, active=not reason.active)
    if reason.active:
        messages.success(request, _("“%(name)s” can be chosen again.") % {"name": reason.name})
    else:
        messages.success(
            request,
            _("“%(name)s” is retired: deals lost for it keep it, new ones cannot choose it.")
            % {"name": reason.name},
        )
    return redirect("sales:settings")


@login_required
@require_http_methods(["GET", "POST"])
def product_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    product = get_object_or_404(Product, pk=pk) if pk else None
    initial = (
        {
            f: getattr(product, f)
            for f in ("sku", "name", "unit", "description", "active", "buy_quantity")
        }
        | {"free_quantity": product.free_quantity}
        if product
        else None
    )
    form = ProductForm(request.POST or None, initial=initial)
    if product is not None:
        form.fields["sku"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if product is None:
                product = services.product_create(actor=request.user, **data)
            else:
                data.pop("sku")
                services.product_update(actor=request.user, product=product, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Product “%(name)s” saved.") % {"name": product.name})
            return redirect("sales:settings")
    context = {"form": form, "product": product}
    return _render(request, "sales/config/product_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def price_list_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    form = PriceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            price_list = services.price_list_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Price list created. Now set its prices."))
            return redirect("sales:settings_price_list", pk=price_list.pk)
    return _render(request, "sales/config/price_list_form.html", {"form": form}, form)


@login_required
@require_http_methods(["GET", "POST"])
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.configure")
    price_list = get_object_or_404(PriceList, pk=pk)
    form = PriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.price_set(
                actor=request.user, price_list=price_list, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Price of “%(product)s” saved.") % {"product": item.product.name},
            )
            return redirect("sales:settings_price_list", pk=price_list.pk)
    context = {
        "price_list": price_list,
        "items": selectors.price_list_items(price_list),
        "form": form,
    }
    return _render(request, "sales/config/price_list.html", context, form)
