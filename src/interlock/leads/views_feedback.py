"""Pages of lead management: marketing answers a rejected lead."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from interlock.core import policy
from interlock.core.views import HtmxHttpRequest
from interlock.leads.models import Handoff
from interlock.leads.services_feedback import handoff_answer_rejection
from interlock.leads.views_handoff import _back, _error_text


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What marketing does with the lead"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
@require_POST
def handoff_answer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Marketing acknowledges a rejection, e.g. "back into the nurture track"."""
    handoff = get_object_or_404(Handoff.objects.select_related("contact", "team"), pk=pk)
    policy.require(request.user, "lead.dispute", handoff)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what marketing does with the lead."))
        handoff_answer_rejection(
            actor=request.user, handoff=handoff, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Thank you: sales sees your answer to the rejection."))
    return _back(request, "leads:rejections")
