"""The agreement pages as two team leads use them: draft from a template, edit, propose, sign."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from interlock.agreements.models import Agreement, AgreementVersion, Term
from interlock.core import deliverables
from interlock.core.deliverables import Attribute, DeliverableKind
from interlock.org.models import Membership
from tests.agreements.factories import make_active_agreement
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TEMPLATE_KINDS = (
    "lead.handoff",
    "lead.rejection_feedback",
    "deal.handover",
    "complaint.first_response",
)


def _kind(key: str) -> DeliverableKind:
    return DeliverableKind(
        key=key,
        label=f"Kind {key}",
        description=key,
        delivered_by=frozenset({f"{key}.delivered"}),
        fulfilled_by=frozenset({f"{key}.done"}),
        delivery=lambda event: None,
        instance_key=lambda event: None,
        attributes={
            "accepted": Attribute("accepted", "accepted", "bool"),
            "fields_complete": Attribute("fields_complete", "fields complete", "bool"),
            "fit_grade": Attribute("fit_grade", "fit grade", "grade"),
        },
        places=lambda: [("queue:dach", "Sales DACH")],
    )


@pytest.fixture
def kinds() -> Iterator[None]:
    """Stand-ins for the kinds the templates name, where the owning app did not register one."""
    added = [key for key in TEMPLATE_KINDS if key not in deliverables.kinds()]
    for key in added:
        deliverables.register(_kind(key))
    yield
    for key in added:
        deliverables.unregister(key)


@pytest.fixture
def marketing_lead(people: Any) -> Any:
    user = make_user("mlead")
    Membership.objects.create(user=user, team=people.marketing, role=Membership.Role.LEAD)
    return user


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _mql_draft(client: Any, people: Any) -> Agreement:
    response = client.post(
        reverse("agreements:new"),
        {
            "template": "mql_handoff",
            "provider_team": people.marketing.pk,
            "receiver_team": people.sales.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = Agreement.objects.get()
    assert response["Location"] == reverse("agreements:edit", args=[agreement.pk])
    return agreement


def test_every_page_renders_for_a_reader(people: Any, client_as: Any, kinds: None) -> None:
    made = make_active_agreement(people, title="MQL handoff")
    reader = client_as("readonly")
    listing = reader.get(reverse("agreements:list"))
    assert listing.status_code == 200
    assert "MQL handoff" in listing.content.decode()
    assert "New agreement" not in listing.content.decode()
    detail = reader.get(reverse("agreements:detail", args=[made.agreement.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "8 business hours" in body and "Sign for" not in body and "Edit draft" not in body
    # The reader's language, or ?lang= (the German strings come with the translations).
    for lang, word in (("en", 'lang="en"'), ("de", '<article class="contract" lang="de"')):
        page = reader.get(
            reverse("agreements:contract", args=[made.agreement.pk, 1]), {"lang": lang}
        )
        assert page.status_code == 200 and word in page.content.decode()
    assert (
        reader.get(
            reverse("agreements:contract", args=[made.agreement.pk, 1]), {"lang": "xx"}
        ).status_code
        == 404
    )
    assert (
        reader.get(reverse("agreements:detail", args=[made.agreement.pk + 99])).status_code == 404
    )
    assert (
        reader.get(reverse("agreements:detail", args=[made.agreement.pk]), {"version": 7})
    ).status_code == 404


def test_lead_drafts_from_a_template_edits_and_proposes(
    people: Any, client_as: Any, kinds: None
) -> None:
    lead = client_as("lead")
    chooser = lead.get(reverse("agreements:new"), {"template": "mql_handoff"})
    assert chooser.status_code == 200
    # The template preselects the teams by function: marketing provides, sales receives.
    assert chooser.context["form"].initial["provider_team"] == people.marketing
    agreement = _mql_draft(lead, people)
    version = agreement.versions.get()
    edit_url = reverse("agreements:edit", args=[agreement.pk])
    page = lead.get(edit_url)
    assert page.status_code == 200 and "8 business hours" in page.content.decode()

    add_url = reverse("agreements:term_add", args=[agreement.pk])
    # A bad term shows what is wrong, no 500 and nothing written.
    count = version.terms.count()
    bad = lead.post(add_url, {"type": "time", "deliverable": "lead.handoff", "hours": "0"})
    assert bad.status_code == 422
    assert "field--error" in bad.content.decode()
    assert version.terms.count() == count
    # Switching the type shows the fields of that type (htmx: the partial only).
    swap = lead.post(
        add_url,
        {"type": "quality", "deliverable": "lead.handoff", "refresh": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert swap.status_code == 200
    assert 'name="target_percent"' in swap.content.decode()
    assert "<html" not in swap.content.decode()
    refresh = lead.post(
        add_url, {"type": "quantity", "deliverable": "lead.handoff", "refresh": "1"}
    )
    assert refresh.status_code == 200 and 'name="minimum"' in refresh.content.decode()
    good = lead.post(
        add_url,
        {
            "type": "quality",
            "deliverable": "lead.handoff",
            "place": "",
            "period": "month",
            "attribute": "fit_grade",
            "op": "gte",
            "value": "B",
            "target_percent": "80",
            "min_sample": "10",
        },
    )
    assert good.status_code == 302
    added = version.terms.order_by("-position", "-id").first()
    assert added is not None and added.criterion == {
        "attribute": "fit_grade",
        "op": "gte",
        "value": "B",
    }

    time_term = version.terms.filter(type=Term.Type.TIME).first()
    assert time_term is not None
    edit_term = reverse("agreements:term_edit", args=[agreement.pk, time_term.pk])
    assert lead.get(edit_term).status_code == 200
    place = (deliverables.get("lead.handoff").places() or [("", "")])[0][0]
    changed = lead.post(
        edit_term,
        {
            "type": "time",
            "deliverable": "lead.handoff",
            "place": place,
            "hours": "6",
            "at_risk_percent": "80",
        },
    )
    assert changed.status_code == 302, changed.context["term_form"].errors
    time_term.refresh_from_db()
    assert (time_term.hours, time_term.place) == (6, place)

    step = lead.post(
        reverse("agreements:step_add", args=[agreement.pk]),
        {
            "trigger": "breach",
            "offset_hours": "4",
            "actions": ["reassign_deputy", "notify_team_lead"],
        },
    )
    assert step.status_code == 302
    saved = lead.post(
        edit_url,
        {
            "title": "MQL handoff DACH",
            "purpose": "Quick answers",
            "effective_from": "2026-01-05T09:00",
        },
    )
    assert saved.status_code == 302
    version.refresh_from_db()
    assert version.title == "MQL handoff DACH" and version.effective_to is None

    proposed = lead.post(reverse("agreements:propose", args=[agreement.pk]))
    assert proposed.status_code == 302
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.PROPOSED
    # A proposal is frozen: the editor sends the user back to the agreement.
    assert lead.get(edit_url).status_code == 302


def test_both_leads_sign_and_the_agreement_is_active(
    people: Any, client_as: Any, kinds: None, marketing_lead: Any
) -> None:
    lead = client_as("lead")
    agreement = _mql_draft(lead, people)
    lead.post(reverse("agreements:propose", args=[agreement.pk]))
    detail_url = reverse("agreements:detail", args=[agreement.pk])
    sign_url = reverse("agreements:sign", args=[agreement.pk])

    assert "Sign for Sales" in lead.get(detail_url).content.decode()
    member = client_as("member")
    assert "Sign for" not in member.get(detail_url).content.decode()
    assert member.post(sign_url, {"side": "receiver"}).status_code == 403

    assert lead.post(sign_url, {"side": "receiver"}).status_code == 302
    # Signing the same side twice is refused with a message, not a 500.
    again = lead.post(sign_url, {"side": "receiver"})
    assert again.status_code == 422 and "signed this version already" in again.content.decode()
    listing = lead.get(reverse("agreements:list")).content.decode()
    assert "still to sign:" in listing and "Marketing" in listing

    marketing = _client(marketing_lead)
    page = marketing.get(detail_url).content.decode()
    assert "Sign for Marketing" in page and "Sign for Sales" not in page
    assert marketing.post(sign_url, {"side": "provider"}).status_code == 302

    version = agreement.versions.get()
    assert version.status == AgreementVersion.Status.ACTIVE
    page = lead.get(detail_url).content.decode()
    assert "version 1: active" in page and "Start a new version" in page
    assert page.count("signed version 1") == 2
    listing = lead.get(reverse("agreements:list"), {"status": "active"}).content.decode()
    assert "MQL handoff" in listing

    # Terminating needs a reason; with one, the agreement ends.
    terminate_url = reverse("agreements:terminate", args=[agreement.pk])
    empty = lead.post(terminate_url, {"reason": "  "})
    assert empty.status_code == 422 and "Say why the agreement ends." in empty.content.decode()
    new_version = lead.post(reverse("agreements:new_version", args=[agreement.pk]))
    assert new_version.status_code == 302
    assert agreement.versions.filter(number=2, status="draft").exists()


def test_denied_cases(people: Any, client_as: Any, kinds: None) -> None:
    readonly = client_as("readonly")
    assert readonly.get(reverse("agreements:new")).status_code == 403
    body = {
        "template": "",
        "title": "X",
        "provider_team": people.sales.pk,
        "receiver_team": people.marketing.pk,
    }
    assert readonly.post(reverse("agreements:new"), body).status_code == 403
    assert client_as("member").post(reverse("agreements:new"), body).status_code == 403
    assert not Agreement.objects.exists()


def test_bad_input_on_new_is_shown_not_raised(people: Any, client_as: Any, kinds: None) -> None:
    lead = client_as("lead")
    same = lead.post(
        reverse("agreements:new"),
        {
            "template": "",
            "title": "X",
            "provider_team": people.sales.pk,
            "receiver_team": people.sales.pk,
        },
    )
    assert same.status_code == 422 and "two different teams" in same.content.decode()
    unknown = lead.post(
        reverse("agreements:new"),
        {
            "template": "nope",
            "provider_team": people.marketing.pk,
            "receiver_team": people.sales.pk,
        },
    )
    assert unknown.status_code == 422
    no_title = lead.post(
        reverse("agreements:new"),
        {"template": "", "provider_team": people.marketing.pk, "receiver_team": people.sales.pk},
    )
    assert (
        no_title.status_code == 422
        and "Give the blank agreement a title." in no_title.content.decode()
    )
    assert not Agreement.objects.exists()
