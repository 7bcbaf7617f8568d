"""Capture forms: their settings pages (with the snippet to paste) and the public endpoint.

The public endpoint ``leads:capture_post`` takes posts from other websites:
no login, no CSRF token (the page lives elsewhere). It defends itself by the
origin check (only the form's allowed origins, and our own for the preview),
a hidden honeypot field, and a rate limit per client address and form.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.env import env_int
from interlock.core.forms import add_service_errors
from interlock.core.middleware import client_addr
from interlock.core.views import HtmxHttpRequest
from interlock.leads import services_capture, services_capture_forms
from interlock.leads.forms_capture import HONEYPOT, CaptureFormForm, SubmissionForm
from interlock.leads.models import CaptureForm

INVALID = 422
MAX_BODY = 64 * 1024  # a lead form is a few hundred bytes
WINDOW = 60  # seconds


def capture_rate() -> int:
    """Posts per minute per client address and form (``CAPTURE_RATE_PER_MINUTE``).

    The setting wins; else the environment variable ``INTERLOCK_CAPTURE_RATE``; else 10.
    """
    value = getattr(settings, "CAPTURE_RATE_PER_MINUTE", None)
    if isinstance(value, int) and value > 0:
        return value
    return env_int("INTERLOCK_CAPTURE_RATE", 10, minimum=1, maximum=100000)


# --- settings pages -----------------------------------------------------------------------


@login_required
@require_GET
def capture_forms(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.view")
    forms = CaptureForm.objects.select_related("campaign").order_by("name")
    return render(
        request,
        "leads/capture/forms.html",
        {"forms": forms, "may_configure": policy.can(request.user, "lead.configure")},
    )


def _snippet(request: HttpRequest, form: CaptureForm) -> str:
    action = request.build_absolute_uri(reverse("leads:capture_post", args=[form.key]))
    with translation.override(form.language):
        return render_to_string(
            "leads/capture/snippet.html", {"form": form, "action": action, "honeypot": HONEYPOT}
        ).strip()


def _edit(request: HtmxHttpRequest, form_obj: CaptureForm | None) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    status = 200
    if request.method == "POST":
        form = CaptureFormForm(request.POST)
        if form.is_valid():
            try:
                if form_obj is None:
                    form_obj = services_capture_forms.capture_form_create(
                        actor=request.user, **form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("The form was created. Copy the snippet below into your website."),
                    )
                else:
                    services_capture_forms.capture_form_update(
                        actor=request.user, form=form_obj, **form.cleaned_data
                    )
                    messages.success(request, _("The form was saved. The snippet is unchanged."))
                return redirect("leads:capture_form_edit", pk=form_obj.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = INVALID
    elif form_obj is not None:
        form = CaptureFormForm(
            initial={
                "name": form_obj.name,
                "campaign": form_obj.campaign,
                "allowed_origins": form_obj.allowed_origins,
                "consent_text": form_obj.consent_text,
                "thank_you": form_obj.thank_you,
                "redirect_url": form_obj.redirect_url,
                "language": form_obj.language,
                "active": form_obj.active,
            }
        )
    else:
        form = CaptureFormForm(initial={"active": True, "language": "de"})
    context: dict[str, Any] = {"form": form, "capture_form": form_obj}
    if form_obj is not None:
        context["snippet"] = _snippet(request, form_obj)
        context["captures"] = form_obj.captures.select_related("contact").order_by("-at")[:10]
    return render(request, "leads/capture/form_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def capture_form_create(request: HtmxHttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def capture_form_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    return _edit(request, get_object_or_404(CaptureForm, pk=pk))


@login_required
@require_POST
def capture_form_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    form = get_object_or_404(CaptureForm, pk=pk)
    services_capture_forms.capture_form_delete(actor=request.user, form=form)
    messages.success(
        request,
        _("The form “%(name)s” was deleted; remove its snippet from your website too.")
        % {"name": form.name},
    )
    return redirect("leads:capture_forms")


# --- the public endpoint ------------------------------------------------------------------


def _origin_of(request: HttpRequest) -> str:
    """The posting page's origin: the Origin header, else the Referer's scheme and host."""
    raw = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not raw or raw == "null":
        return raw
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        return "invalid"
    host = parts.hostname or ""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{host}{suffix}"


def _allowed(request: HttpRequest, form: CaptureForm) -> set[str]:
    own = request.build_absolute_uri("/").rstrip("/")
    return {own, *services_capture_forms.parse_origins(form.allowed_origins)}


def _wants_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response


def _answer(
    request: HttpRequest, status: int, message: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    if _wants_json(request):
        body: dict[str, Any] = {"status": status, "detail": message}
        if errors:
            body["errors"] = errors
        return JsonResponse(body, status=status)
    return render(
        request,
        "leads/capture/answer.html",
        {"message": message, "errors": errors or {}, "ok": status < 400},
        status=status,
    )


def _over_rate(form: CaptureForm, ip: str) -> int:
    """Seconds to wait when this address posted too often to this form (0 = go ahead)."""
    now = time.time()
    window_start = int(now // WINDOW) * WINDOW
    key = f"capture-rate:{form.pk}:{ip}:{window_start}"
    cache.add(key, 0, timeout=WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW + 5)
        count = 1
    if count > capture_rate():
        return max(1, math.ceil(window_start + WINDOW - now))
    return 0


def _fields(request: HttpRequest) -> dict[str, Any] | None:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        return {k: v if isinstance(v, str | bool) else str(v) for k, v in data.items()}
    return request.POST.dict()


def _done(request: HttpRequest, form: CaptureForm) -> HttpResponse:
    with translation.override(form.language):
        if _wants_json(request):
            return JsonResponse(
                {"status": 200, "detail": form.thank_you or _("Thank you! We will be in touch.")}
            )
        if form.redirect_url:
            return redirect(form.redirect_url)
        return _answer(request, 200, form.thank_you or _("Thank you! We will be in touch."))


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def capture_post(request: HttpRequest, key: str) -> HttpResponse:
    form = CaptureForm.objects.select_related("campaign").filter(key=key, active=True).first()
    if form is None:
        return _answer(request, 404, _("This form does not exist (any more)."))
    origin = _origin_of(request)
    allowed = _allowed(request, form)
    # Posts without Origin and Referer come from programs, not browsers; a
    # program can forge either header, so refusing them would protect nothing.
    if origin and origin not in allowed:
        with translation.override(form.language):
            return _answer(
                request,
                403,
                _(
                    "This form may not be posted from %(origin)s. Add the origin to the form's allowed origins."
                )
                % {"origin": origin[:100]},
            )
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        if origin:
            _cors(response, origin)
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            response["Access-Control-Max-Age"] = "600"
        return response
    with translation.override(form.language):
        response = _submit(request, form)
    return _cors(response, origin) if origin else response


def _submit(request: HttpRequest, form: CaptureForm) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return _answer(request, 413, _("The submission is too large."))
    ip = client_addr(request) or ""
    wait = _over_rate(form, ip)
    if wait:
        response = _answer(
            request,
            429,
            _("Too many submissions from your address. Wait %(seconds)d seconds, then try again.")
            % {"seconds": wait},
        )
        response["Retry-After"] = str(wait)
        return response
    fields = _fields(request)
    if fields is None:
        return _answer(request, 400, _("The submission is not valid JSON (send an object)."))
    if fields.get(HONEYPOT):
        # A bot filled the field people never see. Answer as if it worked:
        # an error would teach it to leave the field empty next time.
        return _done(request, form)
    submission = SubmissionForm(fields)
    if not submission.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in submission.errors.items()}
        return _answer(request, 400, _("Please correct the marked fields."), errors)
    try:
        accept = (
            services_capture.lead_capture
            if services_capture.inline()
            else services_capture.capture_queue
        )
        accept(
            actor=None,
            data=submission.capture_data(form.consent_text),
            form=form,
            channel="form",
            ip=ip,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        return _answer(request, 400, _("Please correct the marked fields."), errors)
    return _done(request, form)
