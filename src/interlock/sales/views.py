"""Sales pages: the deal board, deal list and detail, the quote editor and print view.

Views parse, ask the policy, call sales.services and render. The board's
move form answers htmx with the board partial and plain posts with a
redirect, so the board also works without JavaScript (and without a mouse).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.lists.views import render_list
from interlock.sales import pricing, selectors, services
from interlock.sales.forms import DealForm, LoseForm, MoveForm, QuoteLineFormSet
from interlock.sales.models import Deal, LostReason, Pipeline, Quote, Stage

INVALID = 422


def _deal(pk: int) -> Deal:
    return get_object_or_404(Deal.objects.select_related("stage", "pipeline", "account"), pk=pk)


def _quote(pk: int) -> Quote:
    return get_object_or_404(
        Quote.objects.select_related("deal", "deal__account", "deal__contact", "price_list"),
        pk=pk,
        deal__deleted_at__isnull=True,
    )


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- board ------------------------------------------------------------------------------


def _pipeline(request: HtmxHttpRequest) -> Pipeline | None:
    raw = request.GET.get("pipeline") or request.POST.get("pipeline") or ""
    if raw.isdigit() and len(raw) < 19:
        found = Pipeline.objects.filter(pk=int(raw)).first()
        if found is not None:
            return found
    return selectors.default_pipeline()


def _board_context(request: HtmxHttpRequest, pipeline: Pipeline | None) -> dict[str, Any]:
    columns = selectors.board(pipeline) if pipeline else []
    return {
        "pipeline": pipeline,
        "pipelines": list(Pipeline.objects.all()),
        "columns": columns,
        "stages": [c.stage for c in columns],
        "reasons": list(LostReason.objects.filter(active=True)),
        "may_write": policy.can(request.user, "sales.write"),
    }


@login_required
@require_GET
def board(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "sales.view")
    context = _board_context(request, _pipeline(request))
    template = "sales/partials/board.html" if request.htmx else "sales/board.html"
    return render(request, template, context)


@login_required
@require_POST
def deal_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Move a card: from drag and drop (board.js) or the card's "move to" form."""
    policy.require(request.user, "sales.write")
    deal = _deal(pk)
    form = MoveForm(request.POST)
    form.fields["stage"].queryset = Stage.objects.filter(pipeline=deal.pipeline)  # type: ignore[attr-defined]
    error = ""
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        try:
            if stage.kind == Stage.Kind.LOST:
                services.deal_lose(
                    actor=request.user, deal=deal, reason=form.cleaned_data["reason"]
                )
            else:
                services.deal_move_stage(actor=request.user, deal=deal, stage=stage)
        except ValidationError as exc:
            error = _error_text(exc)
    else:
        error = _("Choose a stage of this deal's pipeline.")
    if request.htmx:
        context = _board_context(request, deal.pipeline)
        context["board_error"] = error
        context["moved"] = deal.pk
        return render(
            request, "sales/partials/board.html", context, status=INVALID if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Deal moved."))
    target = request.POST.get("next", "")
    if target == "deal":
        return redirect("sales:deal", deal.pk)
    return redirect(f"{reverse('sales:board')}?pipeline={deal.pipeline_id}")


# --- deal list, create, detail ----------------------------------------------------------------


@login_required
@require_GET
def deal_list(request: HtmxHttpRequest) -> HttpResponse:
    """Filters, columns, saved views, bulk actions and export: see interlock.lists."""
    return render_list(
        request,
        "deals",
        template="sales/deal_list.html",
        rows_template="sales/partials/deal_rows.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def deal_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "sales.write")
    form = DealForm(request.POST or None, initial={"owner": request.user.pk})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                deal = services.deal_create(
                    actor=request.user,
                    title=data["title"],
                    account=data["account"],
                    contact=data["contact"],
                    owner=data["owner"],
                    amount=data["amount"],
                    currency=data["currency"],
                    expected_close_date=data["expected_close_date"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Deal created."))
                return redirect("sales:deal", deal.pk)
        status = INVALID
    return render(request, "sales/deal_form.html", {"form": form}, status=status)


@login_required
@require_GET
def deal_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.view")
    deal = _deal(pk)
    return render(
        request,
        "sales/deal_detail.html",
        {
            "deal": deal,
            "history": selectors.deal_history(deal),
            "quotes": list(deal.quotes.order_by("-id")),
            "stages": list(deal.pipeline.stages.exclude(kind=Stage.Kind.LOST)),
            "lose_form": LoseForm(),
            "may_write": policy.can(request.user, "sales.write"),
        },
    )


@login_required
@require_POST
def deal_win(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.write")
    deal = _deal(pk)
    try:
        services.deal_win(actor=request.user, deal=deal)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Deal won. The account is now a customer."))
    return redirect("sales:deal", deal.pk)


@login_required
@require_POST
def deal_lose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.write")
    deal = _deal(pk)
    form = LoseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick an active reason why the deal was lost."))
        return redirect("sales:deal", deal.pk)
    try:
        services.deal_lose(actor=request.user, deal=deal, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Deal marked as lost."))
    return redirect("sales:deal", deal.pk)


@login_required
@require_POST
def deal_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.write")
    services.deal_delete(actor=request.user, deal=_deal(pk))
    messages.success(request, _("Deal moved to the trash."))
    return redirect("sales:deals")


# --- quotes -------------------------------------------------------------------------------


@login_required
@require_POST
def quote_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.write")
    deal = _deal(pk)
    language = request.POST.get("language", "de")
    try:
        quote = services.quote_create(
            actor=request.user, deal=deal, language=language if language in ("de", "en") else "de"
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("sales:deal", deal.pk)
    return redirect("sales:quote", quote.pk)


def _initial_lines(quote: Quote) -> list[dict[str, Any]]:
    return [
        {
            "product": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            "discount_amount": line.discount_amount,
            "buy_quantity": line.buy_quantity,
            "free_quantity": line.free_quantity,
        }
        for line in selectors.quote_lines(quote)
        if not line.is_free_goods
    ]


def _quote_context(request: HtmxHttpRequest, quote: Quote, formset: Any = None) -> dict[str, Any]:
    lines = selectors.quote_lines(quote)
    editable = quote.status == Quote.Status.DRAFT and policy.can(request.user, "sales.write")
    if formset is None and editable:
        formset = QuoteLineFormSet(initial=_initial_lines(quote), prefix="lines")
    return {
        "quote": quote,
        "deal": quote.deal,
        "lines": lines,
        "totals": selectors.quote_totals(quote, lines),
        "report": selectors.discount_report(quote),
        "formset": formset,
        "editable": editable,
        "may_write": policy.can(request.user, "sales.write"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The quote editor: GET shows it, POST replaces the lines (drafts only)."""
    policy.require(request.user, "sales.view")
    quote = _quote(pk)
    if request.method == "GET":
        return render(request, "sales/quote_edit.html", _quote_context(request, quote))
    policy.require(request.user, "sales.write")
    formset: Any = QuoteLineFormSet(request.POST, prefix="lines")
    status = 200
    service_errors: list[str] = []
    if formset.is_valid():
        specs = [
            services.LineSpec(**form.spec())
            for form in formset.forms
            if form.cleaned_data.get("quantity") is not None
        ]
        try:
            services.quote_set_lines(actor=request.user, quote=quote, lines=specs)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
            status = INVALID
        else:
            messages.success(request, _("Quote saved."))
            if not request.htmx:
                return redirect("sales:quote", quote.pk)
            formset = None
    else:
        status = INVALID
    context = _quote_context(request, quote, formset)
    context["service_errors"] = service_errors
    template = "sales/partials/quote_editor.html" if request.htmx else "sales/quote_edit.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def quote_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Totals of the lines being edited, without saving (htmx, on every change)."""
    policy.require(request.user, "sales.view")
    quote = _quote(pk)
    formset = QuoteLineFormSet(request.POST, prefix="lines")
    error = ""
    totals = pricing.Totals()
    if formset.is_valid():
        prices = {}
        if quote.price_list_id:
            prices = {i.product_id: i for i in quote.price_list.items.all()}  # type: ignore[union-attr]
        ins = []
        for form in formset.forms:
            if form.cleaned_data.get("quantity") is None:
                continue
            spec = form.spec()
            product = spec["product"]
            item = prices.get(product.pk) if product else None
            unit = (
                spec["unit_price"]
                if spec["unit_price"] is not None
                else (item.unit_price if item else None)
            )
            if unit is None:
                error = _("Some lines have no price yet.")
                continue
            line_rule = (
                (spec["buy_quantity"], spec["free_quantity"])
                if spec["buy_quantity"] and spec["free_quantity"]
                else None
            )
            ins.append(
                pricing.LineIn(
                    quantity=spec["quantity"],
                    unit_price=unit,
                    list_price=item.unit_price if item else unit,
                    discount_percent=spec["discount_percent"],
                    discount_amount=spec["discount_amount"],
                    rule=pricing.pick_rule(
                        line_rule,
                        item.free_goods if item else None,
                        product.free_goods if product else None,
                    ),
                )
            )
        try:
            totals = pricing.quote_totals(ins, tax_rate=quote.tax_rate)
        except pricing.PricingError as exc:
            error = str(exc)
    else:
        error = _("Some lines are not valid yet.")
    return render(
        request,
        "sales/partials/quote_totals.html",
        {"quote": quote, "totals": totals, "preview_error": error, "preview": True},
    )


@login_required
@require_POST
def quote_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "sales.write")
    quote = _quote(pk)
    action = request.POST.get("action", "")
    service = {
        "send": services.quote_send,
        "accept": services.quote_accept,
        "reject": services.quote_reject,
    }.get(action)
    if service is None:
        messages.error(request, _("Unknown action."))
        return redirect("sales:quote", quote.pk)
    try:
        service(actor=request.user, quote=quote)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Quote updated."))
    return redirect("sales:quote", quote.pk)


@login_required
@require_GET
def quote_print(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A printable quote in its language (German or English; ?lang= overrides)."""
    policy.require(request.user, "sales.view")
    quote = _quote(pk)
    language = request.GET.get("lang") or quote.language
    if language not in ("de", "en"):
        raise Http404(_("The quote can be printed in German or English."))
    lines = selectors.quote_lines(quote)
    with translation.override(language):
        return render(
            request,
            "sales/quote_print.html",
            {
                "quote": quote,
                "deal": quote.deal,
                "lines": lines,
                "totals": selectors.quote_totals(quote, lines),
                "report": selectors.discount_report(quote),
                "print_language": language,
                "zero": Decimal(0),
            },
        )
