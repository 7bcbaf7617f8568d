"""Pages of the lifecycle and the handoff: my leads, team queue, rejections, reasons, lead panel.

Views parse, ask the policy, call the services and render; reads come from
selectors_handoff. The queue rows, the reject form and the lead panel answer
htmx with a partial; without JavaScript every form posts and redirects.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.customers.models import Contact
from interlock.leads import lifecycle, moves, services_handoff, services_lifecycle
from interlock.leads import selectors_handoff as selectors
from interlock.leads.forms_handoff import (
    AcceptForm,
    DisputeForm,
    QualifyForm,
    ReasonEditForm,
    ReasonForm,
    RejectForm,
    RejectionFilterForm,
    SettleForm,
    StageForm,
)
from interlock.leads.models import Handoff, LeadProfile, RejectionReason
from interlock.org.models import Team

INVALID = 422
LIST_LIMIT = 200


def _back(request: HtmxHttpRequest, default: str, **kwargs: Any) -> HttpResponse:
    """Redirect to the page the form came from (``next``), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, **kwargs)


def _handoff(pk: int) -> Handoff:
    return get_object_or_404(Handoff.objects.select_related("contact", "team"), pk=pk)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- queues ------------------------------------------------------------------------


def _queue(
    request: HtmxHttpRequest, rows: list[Handoff], template: str, **extra: Any
) -> HttpResponse:
    now = timezone.now()
    context = {
        "handoffs": [(h, selectors.overdue(h, now)) for h in rows],
        "next": request.get_full_path(),
        **extra,
    }
    if request.htmx:
        return render(request, "leads/handoff/partials/queue_rows.html", context)
    return render(request, template, context)


@login_required
@require_GET
def my_leads(request: HtmxHttpRequest) -> HttpResponse:
    """Open handoffs assigned to me or to someone I cover for, due first."""
    policy.require(request.user, "lead.view")
    rows = list(selectors.my_leads(request.user)[:LIST_LIMIT])
    return _queue(request, rows, "leads/handoff/my_leads.html")


def _chosen_teams(request: HtmxHttpRequest) -> tuple[list[Team], list[Team]]:
    """(teams shown, teams to choose from): leads and management may pick any team."""
    user = request.user
    own = selectors.queue_teams(user)
    if policy.is_oversight(user) or policy.leads_or_oversees(user):
        choices = list(Team.objects.filter(deleted_at__isnull=True).order_by("name"))
    else:
        choices = own
    raw = request.GET.get("team", "")
    if raw.isdigit() and len(raw) < 19:
        picked = [t for t in choices if t.pk == int(raw)]
        if picked:
            return picked, choices
    if own:
        return own, choices
    return [t for t in choices if t.function == Team.Function.SALES], choices


@login_required
@require_GET
def team_queue(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.view")
    teams, choices = _chosen_teams(request)
    rows = list(selectors.team_queue(teams)[:LIST_LIMIT])
    return _queue(
        request,
        rows,
        "leads/handoff/team_queue.html",
        teams=teams,
        team_choices=choices,
        chosen=teams[0].pk if len(teams) == 1 else None,
        show_assignee=True,
    )


def _row_answer(request: HtmxHttpRequest, handoff: Handoff, status: int = 200) -> HttpResponse:
    """An htmx answer in a queue: the row, now answered, and the messages."""
    context = {"h": handoff, "overdue": False, "next": request.POST.get("next", "")}
    return render(request, "leads/handoff/partials/answered_row.html", context, status=status)


@login_required
@require_POST
def handoff_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    handoff = _handoff(pk)
    policy.require(request.user, "lead.respond", handoff)
    form = AcceptForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        handoff = services_lifecycle.handoff_accept(
            actor=request.user, handoff=handoff, comment=comment
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("You accepted %(contact)s: qualify the lead (budget, authority, need, timing) next.")
            % {"contact": handoff.contact},
        )
    if request.htmx:
        return _row_answer(request, _handoff(pk))
    return _back(request, "leads:my_leads")


@login_required
@require_http_methods(["GET", "POST"])
def handoff_reject(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the small reject form (reason + comment); POST: reject the lead."""
    handoff = _handoff(pk)
    policy.require(request.user, "lead.respond", handoff)
    status = 200
    if request.method == "POST":
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                handoff = services_lifecycle.handoff_reject(
                    actor=request.user,
                    handoff=handoff,
                    reason_code=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("You returned %(contact)s to marketing; they see your reason and comment.")
                    % {"contact": handoff.contact},
                )
                if request.htmx:
                    return _row_answer(request, handoff)
                return _back(request, "leads:my_leads")
        status = INVALID
    else:
        form = RejectForm()
    context = {
        "h": handoff,
        "form": form,
        "overdue": selectors.overdue(handoff),
        "inline": bool(request.htmx),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    if request.htmx:  # the queue row, with the form in its answer cell
        return render(request, "leads/handoff/partials/queue_row.html", context, status=status)
    return render(request, "leads/handoff/reject.html", context, status=status)


# --- rejections (the closed loop) ---------------------------------------------------


def _day_start(day: Any) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
@require_GET
def rejections(request: HtmxHttpRequest) -> HttpResponse:
    """Every rejection with reason, comment, rep and time; dispute and settle here."""
    policy.require(request.user, "lead.view")
    form = RejectionFilterForm(request.GET or None)
    filters = selectors.RejectionFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        until = _day_start(data["until"])
        filters = selectors.RejectionFilters(
            reason=RejectionReason.objects.filter(code=data["reason"]).first()
            if data["reason"]
            else None,
            since=_day_start(data["since"]),
            until=until + timedelta(days=1) if until else None,
        )
    rows = list(selectors.rejections(filters)[:LIST_LIMIT])
    context = {
        "form": form,
        "rows": [(h, services_handoff.reason_label(h.reason)) for h in rows],
        "may_dispute": policy.can(request.user, "lead.dispute"),
        "may_settle": policy.can(request.user, "lead.settle"),
        "dispute_form": DisputeForm(),
        "settle_form": SettleForm(),
        "next": request.get_full_path(),
    }
    if request.htmx:
        return render(request, "leads/handoff/partials/rejection_rows.html", context)
    return render(request, "leads/handoff/rejections.html", context)


@login_required
@require_POST
def handoff_dispute(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    handoff = _handoff(pk)
    policy.require(request.user, "lead.dispute", handoff)
    form = DisputeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["comment"][0])
        services_lifecycle.handoff_dispute(
            actor=request.user, handoff=handoff, comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("The rejection is disputed; a team lead settles it in the joint meeting.")
        )
    return _back(request, "leads:rejections")


@login_required
@require_POST
def handoff_settle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    handoff = _handoff(pk)
    policy.require(request.user, "lead.settle", handoff)
    form = SettleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose whether to overturn or uphold the rejection."))
        overturn = form.cleaned_data["decision"] == "overturn"
        services_lifecycle.handoff_settle(
            actor=request.user, handoff=handoff, overturn=overturn, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Overturned: the lead is an MQL again and waits in a sales queue.")
            if overturn
            else _("Upheld: the rejection stands."),
        )
    return _back(request, "leads:rejections")


# --- the lead panel of a contact ---------------------------------------------------


def _panel(
    request: HtmxHttpRequest, contact: Contact, status: int = 200, **forms: Any
) -> HttpResponse:
    profile = LeadProfile.objects.filter(contact=contact).first()
    open_handoff = selectors.open_handoff(contact.pk)
    current = contact.lifecycle_stage or ""
    bant = {f: getattr(profile, f) if profile else "" for f in moves.BANT_FIELDS}
    last = selectors.last_handoff(contact.pk)
    context = {
        "contact": contact,
        "stage": current,
        "stage_label": moves.stage_label(current) if current else "",
        "next_stages": lifecycle.next_stages(current),
        "stage_form": forms.get("stage_form") or StageForm(current=current),
        "qualify_form": forms.get("qualify_form") or QualifyForm(initial=bant),
        "transitions": [
            (t, _time_in(t.at, t.seconds_in_previous))
            for t in selectors.transitions(contact.pk)[:20]
        ],
        "open_handoff": open_handoff,
        "last_handoff": last,
        "last_reason": services_handoff.reason_label(last.reason) if last else "",
        "may_write": policy.can(request.user, "lead.write"),
        "may_respond": open_handoff is not None
        and policy.can(request.user, "lead.respond", open_handoff),
        "next": _panel_next(request),
    }
    template = (
        "leads/handoff/partials/contact_panel.html"
        if request.htmx
        else "leads/handoff/contact_panel.html"
    )
    return render(request, template, context, status=status)


def _panel_next(request: HtmxHttpRequest) -> str:
    """Where the panel's forms return without htmx: the page that embeds the panel."""
    if request.method == "POST":
        return request.POST.get("next", "")
    if request.htmx and request.htmx.current_url_abs_path:
        return request.htmx.current_url_abs_path
    return request.get_full_path()


def _time_in(at: datetime, seconds: int | None) -> str:
    """How long the contact stood in the previous stage, in words (“3 days, 4 hours”)."""
    if seconds is None:
        return ""
    return timesince(at - timedelta(seconds=seconds), at)


def _contact(pk: int) -> Contact:
    return get_object_or_404(Contact.objects.select_related("account"), pk=pk)


@login_required
@require_GET
def contact_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.view")
    return _panel(request, _contact(pk))


@login_required
@require_POST
def contact_stage(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.write")
    contact = _contact(pk)
    form = StageForm(request.POST, current=contact.lifecycle_stage)
    if form.is_valid():
        try:
            services_lifecycle.lifecycle_change(
                actor=request.user,
                contact=contact,
                to_stage=form.cleaned_data["to_stage"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(contact)s is now %(stage)s.")
                % {
                    "contact": contact,
                    "stage": moves.stage_label(contact.lifecycle_stage),
                },
            )
            if request.htmx:
                return _panel(request, _contact(pk))
            return _back(request, "leads:contact_panel", pk=pk)
    return _panel(request, contact, INVALID, stage_form=form)


@login_required
@require_POST
def contact_qualify(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.write")
    contact = _contact(pk)
    form = QualifyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        was = contact.lifecycle_stage
        try:
            services_lifecycle.lead_qualify(
                actor=request.user,
                contact=contact,
                budget=data["budget"],
                authority=data["authority"],
                need=data["need"],
                timing=data["timing"],
                advance=data["advance"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if contact.lifecycle_stage != was:
                messages.success(request, _("Qualified: the contact is now an SQL."))
            elif was == "sal" and data["advance"]:
                messages.success(
                    request,
                    _("Saved. Fill in all four fields to make the contact an SQL."),
                )
            else:
                messages.success(request, _("The qualification was saved."))
            if request.htmx:
                return _panel(request, _contact(pk))
            return _back(request, "leads:contact_panel", pk=pk)
    return _panel(request, contact, INVALID, qualify_form=form)


# --- rejection reasons -------------------------------------------------------------


def _reasons_page(request: HtmxHttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    reasons = list(RejectionReason.objects.order_by("position", "name"))
    context = {
        "reasons": [
            (
                r,
                services_handoff.reason_label(r),
                forms.get(f"edit_{r.pk}")
                or ReasonEditForm(
                    initial={
                        "name": r.name,
                        "outcome": r.outcome,
                        "position": r.position,
                        "active": r.active,
                    },
                    prefix=f"r{r.pk}",
                ),
            )
            for r in reasons
        ],
        "form": forms.get("form") or ReasonForm(),
    }
    return render(request, "leads/handoff/reasons.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reasons(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    if request.method == "GET":
        return _reasons_page(request)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services_handoff.reason_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reason was added; sales can choose it now."))
            return redirect("leads:reasons")
    return _reasons_page(request, INVALID, form=form)


@login_required
@require_POST
def reason_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    reason = get_object_or_404(RejectionReason, pk=pk)
    form = ReasonEditForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            services_handoff.reason_update(actor=request.user, reason=reason, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reason was saved."))
            return redirect("leads:reasons")
    return _reasons_page(request, INVALID, **{f"edit_{pk}": form})
