"""Customer services: validation, de-duplication, merge, activities and tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.core import events
from interlock.core.models import AuditEntry, Event
from interlock.customers import selectors, services
from interlock.customers.models import Account, Activity, Contact, TimelineEntry
from tests.conftest import naughty_strings

pytestmark = pytest.mark.django_db


def _account(people: Any, name: str = "Kessler Maschinenbau GmbH", **kw: Any) -> Account:
    return services.account_create(actor=people.member, name=name, **kw)


def _contact(people: Any, last_name: str = "Becker", **kw: Any) -> Contact:
    return services.contact_create(actor=people.member, last_name=last_name, **kw)


# --- normalising ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Kessler-Maschinenbau.de/about?x=1", "kessler-maschinenbau.de"),
        ("KESSLER.de.", "kessler.de"),
        ("http://shop.example.co.uk:8080", "shop.example.co.uk"),
        ("", ""),
        ("  müller-gmbh.de ", "müller-gmbh.de"),
    ],
)
def test_domains_are_normalised(raw: str, domain: str) -> None:
    assert services.normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw", ["not a domain", "localhost", "-bad-.de", "a..b", "1.2.3.4", "x" * 300]
)
def test_bad_domains_are_refused_with_a_field_error(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.normalise_domain(raw)
    assert "domain" in exc.value.message_dict


def test_phone_is_stored_in_e164_with_the_accounts_country(people: Any) -> None:
    austria = _account(people, country="AT", domain="voest.at")
    contact = _contact(people, phone="01 5123456", account=austria)
    assert contact.phone == "+4315123456"
    german = _contact(people, last_name="Schmidt", phone="0711 123456")
    assert german.phone == "+49711123456"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "anna@"}, "email", "not a valid e-mail"),
        ({"email": "an na@example.com"}, "email", "not a valid e-mail"),
        ({"phone": "12"}, "phone", "not a phone number"),
        ({"phone": "call me maybe"}, "phone", "not a phone number"),
        ({"last_name": "   "}, "last_name", "last name"),
    ],
)
def test_contact_bad_input_is_refused_and_nothing_written(
    people: Any, fields: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=people.member, **{"last_name": "Becker", **fields})
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert not Contact.all_objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"country": "Atlantis"}, "country"), ({"country": "XX"}, "country"), ({"name": ""}, "name")],
)
def test_account_bad_input_is_refused(people: Any, fields: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.account_create(actor=people.member, **{"name": "Acme", **fields})
    assert field in exc.value.message_dict
    assert not Account.all_objects.exists()


def test_country_accepts_code_and_name(people: Any) -> None:
    assert _account(people, country="de").country.code == "DE"
    assert _account(people, name="Voest", country="Austria").country.code == "AT"


def test_email_is_normalised(people: Any) -> None:
    assert _contact(people, email="  Anna.Becker@Kessler.DE ").email == "anna.becker@kessler.de"


def test_readonly_may_not_write(people: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.account_create(actor=people.readonly, name="Acme")


def test_naughty_strings_are_stored_or_refused_cleanly(people: Any) -> None:
    for i, text in enumerate(naughty_strings()[:200]):
        try:
            account = services.account_create(
                actor=people.member, name=text[:200] or "x", industry=text[:100]
            )
        except ValidationError:
            continue
        assert account.pk
        try:
            services.contact_create(actor=people.member, last_name=text[:100] or "x", email=text)
        except ValidationError as exc:
            assert "email" in exc.message_dict or "last_name" in exc.message_dict, (i, text)


# --- duplicates ---------------------------------------------------------------------------


def test_duplicate_contact_email_is_named(people: Any) -> None:
    anna = _contact(people, first_name="Anna", email="anna@kessler.de")
    assert list(selectors.contact_duplicates("anna@kessler.de")) == [anna]
    with pytest.raises(ValidationError) as exc:
        _contact(people, last_name="B.", email=" ANNA@kessler.de")
    found = services.duplicate_of(exc.value)
    assert found is not None and found["id"] == anna.pk
    assert str(anna.pk) in " ".join(exc.value.messages)
    again = _contact(people, last_name="B.", email="anna@kessler.de", allow_duplicate=True)
    assert again.pk != anna.pk


def test_duplicate_account_domain_is_named(people: Any) -> None:
    kessler = _account(people, domain="kessler.de")
    with pytest.raises(ValidationError) as exc:
        _account(people, name="Kessler AG", domain="https://www.kessler.de/")
    assert services.duplicate_of(exc.value) == {"id": kessler.pk, "model": "customers.account"}
    services.account_delete(actor=people.member, account=kessler)
    assert _account(people, name="Kessler AG", domain="kessler.de").pk  # trashed ones don't count


def test_update_to_a_duplicate_domain_is_refused(people: Any) -> None:
    _account(people, domain="a.de")
    b = _account(people, name="B", domain="b.de")
    with pytest.raises(ValidationError):
        services.account_update(actor=people.member, account=b, domain="a.de")
    updated = services.account_update(actor=people.member, account=b, industry="Chemicals")
    assert updated.industry == "Chemicals"
    assert Event.objects.filter(type="account.updated", subject_id=b.pk).exists()


def test_parent_cycle_is_refused(people: Any) -> None:
    a = _account(people, name="A")
    b = _account(people, name="B", parent=a)
    with pytest.raises(ValidationError) as exc:
        services.account_update(actor=people.member, account=a, parent=b)
    assert "parent" in exc.value.message_dict


# --- merge --------------------------------------------------------------------------------


def test_contact_merge_moves_everything_and_keeps_a_trail(people: Any) -> None:
    account = _account(people, domain="kessler.de")
    anna = _contact(people, first_name="Anna", email="anna@kessler.de")
    dup = _contact(
        people, first_name="Anna", phone="+49 711 123456", account=account, title="Einkauf"
    )
    call = services.activity_log(
        actor=people.member, kind="call", subject="Quarterly review", contact=dup
    )
    events.deliver()
    assert TimelineEntry.objects.filter(contact=dup).count() == 2
    survivor = services.contact_merge(actor=people.lead, survivor=anna, other=dup)
    events.deliver()
    assert survivor.phone == "+49711123456" and survivor.title == "Einkauf"
    assert survivor.account == account and survivor.email == "anna@kessler.de"
    call.refresh_from_db()
    assert call.contact_id == anna.pk
    assert Contact.all_objects.get(pk=dup.pk).in_trash
    assert not TimelineEntry.objects.filter(contact=dup).exists()
    merged = Event.objects.get(type="contact.merged")
    assert merged.payload["merged_id"] == dup.pk
    assert merged.payload["moved"]["customers.activity.contact"] == 1
    assert "phone" in merged.payload["filled"]
    assert TimelineEntry.objects.filter(contact=anna, kind="merge").exists()
    # The audit log keeps both sides: the survivor's filled fields, the other's trashing.
    survivor_changes = AuditEntry.objects.filter(object_pk=str(anna.pk), action=1)
    assert any("phone" in (e.changes or {}) for e in survivor_changes)
    assert AuditEntry.objects.filter(object_pk=str(dup.pk), action=1).exists()


def test_account_merge_moves_contacts_and_activities(people: Any) -> None:
    a = _account(people, name="Kessler", domain="kessler.de")
    b = _account(people, name="Kessler GmbH", country="DE", industry="Machine building")
    c = _contact(people, account=b)
    services.activity_log(actor=people.member, kind="note", subject="x", account=b)
    child = _account(people, name="Kessler Service", parent=b)
    events.deliver()
    services.account_merge(actor=people.manager, survivor=a, other=b)
    c.refresh_from_db()
    child.refresh_from_db()
    a.refresh_from_db()
    assert c.account_id == a.pk and child.parent_id == a.pk
    assert Activity.objects.filter(account=a).count() == 1
    assert a.industry == "Machine building" and a.country.code == "DE"
    assert Account.all_objects.get(pk=b.pk).in_trash


def test_merge_with_itself_or_trashed_is_refused(people: Any) -> None:
    a = _account(people, name="A")
    b = _account(people, name="B")
    with pytest.raises(ValidationError, match="itself"):
        services.account_merge(actor=people.admin, survivor=a, other=a)
    services.account_delete(actor=people.admin, account=b)
    with pytest.raises(ValidationError, match="trash"):
        services.account_merge(actor=people.admin, survivor=a, other=b)


def test_merge_needs_the_merge_right(people: Any) -> None:
    a, b = _contact(people), _contact(people, last_name="B")
    with pytest.raises(PermissionDenied):
        services.contact_merge(actor=people.member, survivor=a, other=b)


# --- activities, tasks, timeline ----------------------------------------------------------


def test_activity_needs_a_record_and_a_loggable_kind(people: Any) -> None:
    with pytest.raises(ValidationError, match="account or a contact"):
        services.activity_log(actor=people.member, kind="call", subject="x")
    account = _account(people)
    with pytest.raises(ValidationError, match="tasks as tasks"):
        services.activity_log(actor=people.member, kind="task", subject="x", account=account)
    with pytest.raises(ValidationError):
        services.activity_log(actor=people.member, kind="call", subject="", account=account)


def test_activity_on_a_contact_lands_on_its_account_timeline(people: Any) -> None:
    account = _account(people)
    anna = _contact(people, first_name="Anna", account=account)
    services.activity_log(
        actor=people.member, kind="call", subject="Quarterly review", contact=anna
    )
    events.deliver()
    titles = [e.title for e in selectors.timeline(account=account)["items"]]
    assert titles[0] == "Call: Quarterly review"
    assert "Contact created: Anna Becker" in titles
    contact_titles = [e.title for e in selectors.timeline(contact=anna)["items"]]
    assert contact_titles[0] == "Call: Quarterly review"


def test_timeline_projection_replaced_not_doubled(people: Any) -> None:
    """``project_many`` writes plain rows; a replay replaces the events' rows."""
    from interlock.customers import timeline

    account = _account(people)
    anna = _contact(people, first_name="Anna", account=account)
    services.activity_log(actor=people.member, kind="call", subject="Rückruf 🤝", contact=anna)
    events.deliver()
    logged = Event.objects.get(type="activity.logged")
    rows = list(
        TimelineEntry.objects.filter(event=logged).values_list(
            "account_id", "contact_id", "kind", "title", "occurred_at"
        )
    )
    assert rows == [(account.pk, anna.pk, "activity", "Call: Rückruf 🤝", logged.occurred_at)]
    before = TimelineEntry.objects.count()
    timeline.project_many(list(Event.objects.order_by("id")))
    timeline.project_many([logged, logged])
    assert TimelineEntry.objects.count() == before
    assert timeline.project_many([]) is None


def test_tasks_in_my_work_and_done(people: Any) -> None:
    account = _account(people)
    now = timezone.now()
    later = services.task_create(
        actor=people.lead, subject="Later", due_at=now + timedelta(days=3),
        assignee=people.member, account=account,
    )  # fmt: skip
    soon = services.task_create(
        actor=people.lead, subject="Soon", due_at=now + timedelta(days=1),
        assignee=people.member, account=account,
    )  # fmt: skip
    assert list(selectors.my_tasks(people.member)) == [soon, later]
    assert not selectors.my_tasks(people.lead).exists()
    services.task_complete(actor=people.member, task=soon)
    assert list(selectors.my_tasks(people.member)) == [later]
    services.task_reopen(actor=people.member, task=soon)
    assert list(selectors.my_tasks(people.member)) == [soon, later]
    with pytest.raises(ValidationError, match="active person"):
        services.task_create(
            actor=people.lead, subject="x", due_at=now, assignee=people.inactive, account=account
        )


def test_task_assign_hands_over_open_tasks_only(people: Any) -> None:
    from interlock.core.models import Event

    account = _account(people)
    task = services.task_create(
        actor=people.lead, subject="Call", due_at=timezone.now() + timedelta(days=1),
        assignee=people.member, account=account,
    )  # fmt: skip
    services.task_assign(actor=people.lead, task=task, assignee=people.lead)
    assert list(selectors.my_tasks(people.lead)) == [task]
    assert not selectors.my_tasks(people.member).exists()
    event = Event.objects.get(type="task.reassigned")
    assert event.payload["previous_assignee_id"] == people.member.pk
    services.task_assign(actor=people.lead, task=task, assignee=people.lead)  # no change
    assert Event.objects.filter(type="task.reassigned").count() == 1
    with pytest.raises(ValidationError, match="active person"):
        services.task_assign(actor=people.lead, task=task, assignee=people.inactive)
    services.task_complete(actor=people.lead, task=task)
    with pytest.raises(ValidationError, match="done already"):
        services.task_assign(actor=people.lead, task=task, assignee=people.member)
    with pytest.raises(PermissionDenied):
        services.task_assign(actor=people.readonly, task=task, assignee=people.member)


def test_timeline_pages_newest_first_and_filters_by_kind(people: Any) -> None:
    account = _account(people)
    base = timezone.now() - timedelta(days=10)
    for i in range(7):
        services.activity_log(
            actor=people.member, kind="note", subject=f"n{i}", account=account,
            occurred_at=base + timedelta(hours=i),
        )  # fmt: skip
    events.deliver()
    seen: list[str] = []
    cursor = None
    while True:
        page = selectors.timeline(account=account, kinds=["activity"], cursor=cursor, limit=3)
        seen += [e.title for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Note: n{i}" for i in reversed(range(7))]
    everything = selectors.timeline(account=account, limit=50)["items"]
    assert len(everything) == 8 and everything[0].kind == "record"  # created now: newest


@settings(
    max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.text(max_size=60))
def test_domain_normaliser_never_crashes(raw: str) -> None:
    try:
        result = services.normalise_domain(raw)
    except ValidationError:
        return
    assert result == result.strip().lower() and "/" not in result and not result.startswith("www.")


def test_merge_keeps_one_timeline_row_per_event(people: Any) -> None:
    a = _account(people, name="A")
    b = _account(people, name="B")
    event = Event.objects.create(
        type="test.both", subject_type="customers.account", subject_id=a.pk,
        occurred_at=timezone.now(), payload={},
    )  # fmt: skip
    for account in (a, b):
        TimelineEntry.objects.create(
            event=event, account=account, kind="test", occurred_at=event.occurred_at, title="both"
        )
    services.account_merge(actor=people.admin, survivor=a, other=b)
    assert TimelineEntry.objects.filter(event=event).count() == 1
    assert TimelineEntry.objects.get(event=event).account_id == a.pk


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    st.sampled_from(["30", "40", "89", "711", "221", "351"]),
    st.integers(min_value=10**5, max_value=10**7 - 1),
    st.sampled_from(["+49 {a} {n}", "0{a} {n}", "0{a}/{n}", "+49 (0){a}-{n}", "0049{a}{n}"]),
)
def test_phone_normalising_is_stable(area: str, number: int, pattern: str) -> None:
    raw = pattern.format(a=area, n=number)
    try:
        e164 = services.normalise_phone(raw, "DE")
    except ValidationError:
        return
    assert e164.startswith("+49") and e164[1:].isdigit()
    assert services.normalise_phone(e164, "AT") == e164  # idempotent, region irrelevant


def test_merging_a_parent_into_its_subsidiary_leaves_no_loop(people: Any) -> None:
    group = _account(people, name="Kessler Group", industry="Holding")
    plant = _account(people, name="Kessler Plant", parent=group)
    survivor = services.account_merge(actor=people.admin, survivor=plant, other=group)
    survivor.refresh_from_db()
    assert survivor.parent_id is None and survivor.industry == "Holding"


def test_merge_moves_deals_complaints_and_idea_requests(people) -> None:  # type: ignore[no-untyped-def]
    """Relations registered by sales and feedback follow the surviving account."""
    from decimal import Decimal

    from interlock.customers import services as customer_services
    from interlock.feedback.models import Complaint, IdeaRequest
    from interlock.sales.models import Deal, Pipeline, Stage
    from tests.feedback import factories

    survivor = customer_services.account_create(
        actor=people.admin, name="Kessler AG", domain="kessler.example"
    )
    other = customer_services.account_create(
        actor=people.admin, name="Kessler Aktiengesellschaft", domain="kessler-ag.example"
    )
    pipeline = Pipeline.objects.create(name="Merge test", is_default=False)
    stage = Stage.objects.create(
        pipeline=pipeline, name="Open", order=1, probability=10, kind="open"
    )
    deal = Deal.objects.create(
        title="Press line",
        account=other,
        pipeline=pipeline,
        stage=stage,
        amount=Decimal("1000.00"),
        currency="EUR",
    )
    complaint = factories.complaint(people.admin, other)
    idea = factories.idea(people.admin)
    IdeaRequest.objects.create(idea=idea, account=other)
    IdeaRequest.objects.create(idea=idea, account=survivor)  # would clash after the move

    customer_services.account_merge(actor=people.admin, survivor=survivor, other=other)

    assert Deal.objects.get(pk=deal.pk).account_id == survivor.pk
    assert Complaint.objects.get(pk=complaint.pk).account_id == survivor.pk
    assert list(IdeaRequest.objects.filter(idea=idea).values_list("account_id", flat=True)) == [
        survivor.pk
    ]
