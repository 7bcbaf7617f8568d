"""Agreement pages: the list, a new agreement (from a template or blank), the detail
page with its lifecycle actions, and the contract (print page and PDF).

Views parse input, ask the policy, call the authoring services and render;
the draft editor (terms, ladder) lives in ``views_editing``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from interlock.agreements import catalog, contract, pdf, selectors_agreements, services_agreements
from interlock.agreements.forms_agreements import NewAgreementForm, TerminateForm
from interlock.agreements.models import Agreement, AgreementVersion, Signature
from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.org.models import Team

INVALID = 422
LANGUAGES = ("de", "en")
STATUS_FILTERS = (
    ("", gettext_lazy("all")),
    ("active", gettext_lazy("active")),
    ("proposed", gettext_lazy("waiting for signature")),
    ("draft", gettext_lazy("draft")),
    ("ended", gettext_lazy("ended")),
)


def agreement_or_404(pk: int) -> Agreement:
    try:
        return selectors_agreements.agreement_detail(pk)
    except ObjectDoesNotExist:
        raise Http404(_("No such agreement.")) from None


def version_or_404(agreement: Agreement, number: int | None) -> AgreementVersion:
    try:
        version = selectors_agreements.version_of(agreement, number)
    except ObjectDoesNotExist:
        version = None
    if version is None:
        raise Http404(_("This agreement has no version %(n)s.") % {"n": number})
    return version


def _missing_sides(agreement: Agreement, version: AgreementVersion) -> list[Team]:
    """The teams that still have to sign a proposed version."""
    if version.status != AgreementVersion.Status.PROPOSED:
        return []
    signed = {s.side for s in version.signatures.all()}
    sides = (("provider", agreement.provider_team), ("receiver", agreement.receiver_team))
    return [team for side, team in sides if side not in signed]


def _group(current: AgreementVersion | None, pending: AgreementVersion | None) -> str:
    """Where the list shows an agreement: waiting for signature comes first."""
    if pending is not None and pending.status == AgreementVersion.Status.PROPOSED:
        return "proposed"
    if current is not None and current.status == AgreementVersion.Status.ACTIVE:
        return "active"
    if pending is not None:
        return "draft"
    return "ended"


@login_required
@require_GET
def agreement_list(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    status = request.GET.get("status", "")
    if status not in dict(STATUS_FILTERS):
        status = ""
    # "ended": every version ended; the selector's status filter matches any version.
    query_status = None if status in ("", "ended") else status
    q = request.GET.get("q", "").strip()[:100]
    rows = []
    for agreement in selectors_agreements.agreements_for_list(status=query_status, q=q):
        current = selectors_agreements.current_version(agreement)
        pending = selectors_agreements.open_version(agreement)
        rows.append(
            {
                "agreement": agreement,
                "current": current,
                "pending": pending if pending is not None and pending != current else None,
                "group": _group(current, pending),
                "to_sign": _missing_sides(agreement, pending) if pending else [],
            }
        )
    labels = dict(STATUS_FILTERS)
    if status == "ended":
        groups = [(labels[status], [r for r in rows if r["group"] == "ended"])]
    elif status:
        groups = [(labels[status], rows)]  # the selector matched any version's status
    else:
        groups = [(label, [r for r in rows if r["group"] == key]) for key, label in STATUS_FILTERS]
    context = {
        "groups": [(label, found) for label, found in groups if found],
        "count": sum(len(found) for _label, found in groups),
        "status": status,
        "q": q,
        "filters": STATUS_FILTERS,
        "may_draft": policy.can(request.user, "agreement.draft"),
    }
    return render(request, "agreements/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "agreement.draft")
    templates = list(catalog.templates())
    keys = [t.key for t in templates]
    if request.method == "POST":
        form = NewAgreementForm(request.POST, template_keys=keys)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["template"]:
                    agreement = services_agreements.agreement_from_template(
                        actor=request.user,
                        template_key=data["template"],
                        provider_team=data["provider_team"],
                        receiver_team=data["receiver_team"],
                    )
                else:
                    agreement = services_agreements.agreement_create(
                        actor=request.user,
                        provider_team=data["provider_team"],
                        receiver_team=data["receiver_team"],
                        title=data["title"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The draft was created. Check its terms, then propose it.")
                )
                return redirect("agreements:edit", pk=agreement.pk)
        chosen = next((t for t in templates if t.key == request.POST.get("template")), None)
        context = {"form": form, "templates": templates, "chosen": chosen}
        return render(request, "agreements/new.html", context, status=INVALID)
    key = request.GET.get("template", "")
    chosen = next((t for t in templates if t.key == key), None)
    initial: dict[str, Any] = {"template": chosen.key if chosen else ""}
    if chosen is not None:
        for field, function in (
            ("provider_team", chosen.provider_function),
            ("receiver_team", chosen.receiver_function),
        ):
            initial[field] = Team.objects.filter(function=function).order_by("name").first()
    form = NewAgreementForm(initial=initial, template_keys=keys)
    return render(
        request,
        "agreements/new.html",
        {"form": form, "templates": templates, "chosen": chosen, "blank": key == "blank"},
    )


def _actions(user: Any, agreement: Agreement, version: AgreementVersion) -> dict[str, Any]:
    """Which lifecycle buttons the user sees for this version."""
    may_draft = policy.can(user, "agreement.draft", agreement)
    status = version.status
    open_draft = selectors_agreements.open_version(agreement) is not None
    signable = []
    if status == AgreementVersion.Status.PROPOSED:
        signed = {s.side for s in version.signatures.all()}
        for side, team in (
            ("provider", agreement.provider_team),
            ("receiver", agreement.receiver_team),
        ):
            if side not in signed and policy.can(user, "agreement.sign", team):
                signable.append((side, team))
    return {
        "may_draft": may_draft,
        "can_edit": may_draft and status == "draft",
        "can_propose": may_draft and status == "draft",
        "can_revise": may_draft and status == "proposed",
        "can_withdraw": may_draft and status in ("draft", "proposed"),
        "can_new_version": may_draft and status == "active" and not open_draft,
        "can_terminate": may_draft and status == "active",
        "signable": signable,
    }


def scorecard_url(agreement: Agreement) -> str | None:
    """The scorecard page, once the scorecards part is installed."""
    try:
        return reverse("agreements:scorecard", args=[agreement.pk])
    except NoReverseMatch:
        return None


def render_detail(
    request: HtmxHttpRequest,
    agreement: Agreement,
    version: AgreementVersion,
    *,
    terminate_form: TerminateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    document = contract.contract_for(version)
    signatures = list(version.signatures.select_related("user", "team").order_by("signed_at"))
    context = {
        "agreement": agreement,
        "version": version,
        "document": document,
        "versions": sorted(agreement.versions.all(), key=lambda v: -v.number),
        "signatures": signatures,
        "to_sign": _missing_sides(agreement, version),
        "terminate_form": terminate_form or TerminateForm(),
        "scorecard_url": scorecard_url(agreement),
        "sides": dict(Signature.Side.choices),
        **_actions(request.user, agreement, version),
    }
    return render(request, "agreements/detail.html", context, status=status)


@login_required
@require_GET
def agreement_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    agreement = agreement_or_404(pk)
    raw = request.GET.get("version")
    number = int(raw) if raw and raw.isdigit() else None
    return render_detail(request, agreement, version_or_404(agreement, number))


# --- the contract ---------------------------------------------------------------------


def _contract_language(request: HtmxHttpRequest) -> str:
    language = request.GET.get("lang") or translation.get_language() or "en"
    language = language.split("-")[0]
    if language not in LANGUAGES:
        raise Http404(_("The contract is available in German and English."))
    return language


@login_required
@require_GET
def contract_page(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    """The version as a printable contract in the reader's language (?lang= overrides)."""
    policy.require(request.user, "agreement.view")
    agreement = agreement_or_404(pk)
    version = version_or_404(agreement, number)
    language = _contract_language(request)
    document = contract.contract_for(version, language=language)
    with translation.override(language):
        return render(
            request,
            "agreements/contract.html",
            {
                "agreement": agreement,
                "version": version,
                "document": document,
                "print_language": language,
            },
        )


@login_required
@require_GET
def contract_pdf(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    agreement = agreement_or_404(pk)
    version = version_or_404(agreement, number)
    language = _contract_language(request)
    document = contract.contract_for(version, language=language)
    with translation.override(language):
        data = pdf.contract_pdf(document)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"agreement-{agreement.pk}-v{version.number}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
