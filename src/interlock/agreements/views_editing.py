"""The draft editor (version fields, terms, ladder) and the lifecycle actions.

Each action is a POST that calls one service and redirects back with a
message; a service's ``ValidationError`` is shown on the page (422), never
a 500. The term form changes its fields with its type and deliverable kind:
htmx swaps the fields on change, and without JavaScript a "Refresh" submit
does the same with a full page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from interlock.agreements import (
    contract,
    selectors_agreements,
    services_agreements,
    services_signing,
)
from interlock.agreements.forms_agreements import (
    SignForm,
    StepForm,
    TermForm,
    TerminateForm,
    VersionForm,
)
from interlock.agreements.models import Agreement, AgreementVersion, EscalationStep, Term
from interlock.agreements.views_agreements import agreement_or_404, render_detail
from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest

INVALID = 422


def _draft(agreement: Agreement) -> AgreementVersion | None:
    version = selectors_agreements.open_version(agreement)
    if version is None or version.status != AgreementVersion.Status.DRAFT:
        return None
    return selectors_agreements.version_of(agreement, version.number)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _edit_page(
    request: HtmxHttpRequest,
    agreement: Agreement,
    version: AgreementVersion,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    terms = list(version.terms.all())
    steps = list(version.ladder.all())
    version_form = forms.get("version_form") or VersionForm(
        initial={
            "title": version.title,
            "purpose": version.purpose,
            "effective_from": version.effective_from,
            "effective_to": version.effective_to,
        }
    )
    context = {
        "agreement": agreement,
        "version": version,
        "version_form": version_form,
        "terms": [(term, contract.term_sentence(term)) for term in terms],
        "steps": [(step, contract.step_sentence(step)) for step in steps],
        "term_form": forms.get("term_form") or TermForm(),
        "term_action": forms.get("term_action") or _url("agreements:term_add", pk=agreement.pk),
        "editing_term": forms.get("editing_term"),
        "step_form": forms.get("step_form") or StepForm(),
    }
    return render(request, "agreements/edit.html", context, status=status)


def _url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


def _open(request: HtmxHttpRequest, pk: int) -> tuple[Agreement, AgreementVersion | None]:
    agreement = agreement_or_404(pk)
    policy.require(request.user, "agreement.draft", agreement)
    return agreement, _draft(agreement)


def _not_a_draft(request: HtmxHttpRequest, agreement: Agreement) -> HttpResponse:
    messages.error(
        request,
        _("There is no draft to edit; start a new version of the active agreement to change it."),
    )
    return redirect("agreements:detail", pk=agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement, version = _open(request, pk)
    if version is None:
        return _not_a_draft(request, agreement)
    if request.method == "GET":
        return _edit_page(request, agreement, version)
    form = VersionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services_agreements.version_update(
                actor=request.user,
                version=version,
                title=data["title"],
                purpose=data["purpose"],
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                clear_effective_to=data["effective_to"] is None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("agreements:edit", pk=agreement.pk)
    return _edit_page(request, agreement, version, version_form=form, status=INVALID)


# --- terms ----------------------------------------------------------------------------


def _term_form_response(
    request: HtmxHttpRequest,
    agreement: Agreement,
    version: AgreementVersion,
    form: TermForm,
    action: str,
    term: Term | None,
    status: int = 200,
) -> HttpResponse:
    if request.htmx:
        context = {"term_form": form, "term_action": action, "editing_term": term}
        return render(request, "agreements/partials/term_form.html", context, status=status)
    return _edit_page(
        request,
        agreement,
        version,
        status=status,
        term_form=form,
        term_action=action,
        editing_term=term,
    )


def _save_term(
    request: HtmxHttpRequest, agreement: Agreement, version: AgreementVersion, term: Term | None
) -> HttpResponse:
    action = (
        _url("agreements:term_edit", pk=agreement.pk, term_pk=term.pk)
        if term is not None
        else _url("agreements:term_add", pk=agreement.pk)
    )
    if request.method == "GET" or "refresh" in request.POST:
        # The type or the kind changed: show the fields that fit, keep what was typed.
        source = request.POST if request.method == "POST" else request.GET
        initial = source.dict() if source else (TermForm.initial_for(term) if term else {})
        form = TermForm(initial=initial)
        return _term_form_response(request, agreement, version, form, action, term)
    form = TermForm(request.POST)
    if form.is_valid():
        try:
            if term is None:
                services_agreements.term_add(
                    actor=request.user, version=version, **form.service_kwargs()
                )
            else:
                services_agreements.term_update(
                    actor=request.user, term=term, **form.service_kwargs()
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The term was saved."))
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = _url("agreements:edit", pk=agreement.pk)
                return response
            return redirect("agreements:edit", pk=agreement.pk)
    return _term_form_response(request, agreement, version, form, action, term, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
def term_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement, version = _open(request, pk)
    if version is None:
        return _not_a_draft(request, agreement)
    return _save_term(request, agreement, version, None)


@login_required
@require_http_methods(["GET", "POST"])
def term_edit(request: HtmxHttpRequest, pk: int, term_pk: int) -> HttpResponse:
    agreement, version = _open(request, pk)
    if version is None:
        return _not_a_draft(request, agreement)
    term = get_object_or_404(Term, pk=term_pk, version=version)
    return _save_term(request, agreement, version, term)


@login_required
@require_POST
def term_remove(request: HtmxHttpRequest, pk: int, term_pk: int) -> HttpResponse:
    agreement, version = _open(request, pk)
    if version is None:
        return _not_a_draft(request, agreement)
    term = get_object_or_404(Term, pk=term_pk, version=version)
    try:
        services_agreements.term_remove(actor=request.user, term=term)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The term was removed."))
    return redirect("agreements:edit", pk=agreement.pk)


# --- ladder ---------------------------------------------------------------------------


@login_required
@require_POST
def step_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement, version = _open(request, pk)
    if version is None:
        return _not_a_draft(request, agreement)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services_agreements.step_add(actor=request.user, version=version, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The escalation step was added."))
            return redirect("agreements:edit", pk=agreement.pk)
    return _edit_page(request, agreement, version, step_form=form, status=INVALID)


@login_required
@require_POST
def step_remove(request: HtmxHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    agreement, version = _open(request, pk)
    if version is None:
        return _not_a_draft(request, agreement)
    step = get_object_or_404(EscalationStep, pk=step_pk, version=version)
    try:
        services_agreements.step_remove(actor=request.user, step=step)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The escalation step was removed."))
    return redirect("agreements:edit", pk=agreement.pk)


# --- lifecycle actions ------------------------------------------------------------------


def _act(
    request: HtmxHttpRequest,
    pk: int,
    perform: Callable[[Agreement, AgreementVersion], Any],
    done: str,
    *,
    statuses: tuple[str, ...],
    may: Callable[[Agreement], bool] | None = None,
) -> HttpResponse:
    """Run one lifecycle service on the version it concerns; redirect or show the error."""
    agreement = agreement_or_404(pk)
    allowed = may(agreement) if may else policy.can(request.user, "agreement.draft", agreement)
    if not allowed:
        raise PermissionDenied
    version = next((v for v in agreement.versions.all() if v.status in statuses), None)
    if version is None:
        raise Http404(_("This agreement has no version this action applies to."))
    try:
        perform(agreement, version)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        version = selectors_agreements.version_of(agreement, version.number)
        return render_detail(request, agreement, version, status=INVALID)
    messages.success(request, done)
    return redirect("agreements:detail", pk=agreement.pk)


@login_required
@require_POST
def version_propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda a, v: services_signing.version_propose(actor=request.user, version=v),
        _("The version was proposed; the team leads of both sides can sign it now."),
        statuses=("draft",),
    )


@login_required
@require_POST
def version_revise(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda a, v: services_signing.version_revise(actor=request.user, version=v),
        _("The proposal is a draft again; signatures given so far were cleared."),
        statuses=("proposed",),
    )


@login_required
@require_POST
def version_withdraw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda a, v: services_signing.version_withdraw(actor=request.user, version=v),
        _("The version was withdrawn."),
        statuses=("draft", "proposed"),
    )


@login_required
@require_POST
def version_sign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    form = SignForm(request.POST)
    side = form.cleaned_data["side"] if form.is_valid() else None

    def sign(agreement: Agreement, version: AgreementVersion) -> None:
        services_signing.version_sign(actor=request.user, version=version, side=side)

    def leads_a_side(agreement: Agreement) -> bool:
        teams = (agreement.provider_team, agreement.receiver_team)
        return any(policy.can(request.user, "agreement.sign", team) for team in teams)

    return _act(request, pk, sign, _("Signed."), statuses=("proposed",), may=leads_a_side)


@login_required
@require_POST
def agreement_new_version(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_or_404(pk)
    policy.require(request.user, "agreement.draft", agreement)
    try:
        version = services_signing.agreement_new_version(actor=request.user, agreement=agreement)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("agreements:detail", pk=agreement.pk)
    messages.success(
        request,
        _("Version %(n)s is a draft now; it needs both signatures again.") % {"n": version.number},
    )
    return redirect("agreements:edit", pk=agreement.pk)


@login_required
@require_POST
def agreement_terminate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement = agreement_or_404(pk)
    policy.require(request.user, "agreement.draft", agreement)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            services_signing.agreement_terminate(
                actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agreement was terminated."))
            return redirect("agreements:detail", pk=agreement.pk)
    version = selectors_agreements.version_of(agreement)
    return render_detail(request, agreement, version, terminate_form=form, status=INVALID)
