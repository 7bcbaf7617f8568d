"""Scoring: rules, the per-contact score and its explanation, the bulk path, promotion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.campaigns.models import Campaign, CampaignResponse
from interlock.customers.models import Account, Activity, Contact
from interlock.leads import scoring, services_scoring
from interlock.leads.models import FitRule, LeadProfile, RescoreJob, ScoringSettings
from interlock.leads.scoring_bulk import rescore_all

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def _account(**kw: Any) -> Account:
    defaults = {"name": "Kessler Maschinenbau GmbH", "industry": "Maschinenbau", "size": "250-999"}
    return Account.objects.create(**(defaults | kw))


def _contact(account: Account | None = None, **kw: Any) -> Contact:
    defaults = {"last_name": "Kessler", "email": "anna@kessler.de", "title": "Head of Purchasing"}
    return Contact.objects.create(account=account, **(defaults | kw))


def _activity(contact: Contact, kind: str, days_ago: float) -> Activity:
    return Activity.objects.create(
        kind=kind, subject="x", contact=contact, occurred_at=NOW - timedelta(days=days_ago)
    )


def _rule(field: str, operator: str, value: str, points: int) -> FitRule:
    return FitRule.objects.create(field=field, operator=operator, value=value, points=points)


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "operator", "value", "where", "says"),
    [
        ("shoe_size", "equals", "42", "field", "Unknown attribute"),
        ("size", "contains", "50", "operator", "cannot be used"),
        ("title", "matches", "(CEO", "value", "does not compile"),
        ("title", "matches", "(a+)+$", "value", "repeats a repetition"),
        ("size", "gte", "huge", "value", "Allowed: 1-9, 10-49"),
        ("buying_role", "in", "champion, boss", "value", "“boss” is not a choice"),
        ("free_mail", "equals", "maybe", "value", "“true” or “false”"),
        ("industry", "equals", "", "value", "Enter the value"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(
    field: str, operator: str, value: str, where: str, says: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        scoring.validate_rule(field, operator, value)
    assert where in caught.value.error_dict
    assert says in " ".join(caught.value.message_dict[where])


def test_valid_rules_are_normalised() -> None:
    assert scoring.validate_rule("buying_role", "in", "Champion ,decision_maker") == (
        "champion, decision_maker"
    )
    assert scoring.validate_rule("free_mail", "equals", "Ja") == "true"
    assert scoring.validate_rule("industry", "empty", "ignored") == ""


# --- one contact ------------------------------------------------------------------------------


def test_score_contact_sums_rules_grades_and_explains(people: Any) -> None:
    ScoringSettings.objects.filter(pk=1).update(mql_enabled=False)
    _rule("industry", "equals", "maschinenbau", 20)
    _rule("size", "gte", "250-999", 35)
    _rule("free_mail", "equals", "true", -10)
    _rule("title", "matches", r"^head of", 15)
    _rule("country", "equals", "FR", 50)  # does not match
    contact = _contact(_account(country="DE"), email="anna@gmx.de")
    for days in (1, 2, 3):
        _activity(contact, "email", days)
    _activity(contact, "meeting", 400)  # long ago: almost nothing left
    _activity(contact, "call", -2)  # after `at`: not counted
    profile = scoring.score_contact(contact_id=contact.pk, at=NOW)
    assert profile.fit_points == 20 + 35 - 10 + 15
    assert profile.fit_grade == "A"
    expected = sum(5 * scoring.decay(d, 30) for d in (1, 2, 3)) + 15 * scoring.decay(400, 30)
    assert profile.engagement_points == pytest.approx(expected, abs=0.01)
    explanation = scoring.explain(contact, at=NOW)
    texts = [f"{line.signed} {line.text}" for line in explanation.fit_lines]
    assert "+20 industry equals maschinenbau" in texts
    assert "−10 free-mail address equals true" in texts
    assert any(
        "3 × e-mail in the last 30 days" in line.text for line in explanation.engagement_lines
    )
    assert explanation.engagement_points == pytest.approx(profile.engagement_points, abs=0.01)


def test_campaign_responses_count_as_engagement(people: Any) -> None:
    contact = _contact()
    campaign = Campaign.objects.create(name="Messe", type="event", starts_on=NOW.date())
    CampaignResponse.objects.create(
        campaign=campaign, contact=contact, kind="attended", occurred_at=NOW
    )
    profile = scoring.score_contact(contact_id=contact.pk, at=NOW, promote=False)
    assert profile.engagement_points == 25


@given(
    age=st.integers(min_value=0, max_value=2000), half_life=st.integers(min_value=1, max_value=400)
)
def test_decay_halves_at_each_half_life(age: int, half_life: int) -> None:
    assert scoring.decay(age + half_life, half_life) == pytest.approx(
        scoring.decay(age, half_life) / 2
    )
    assert scoring.decay(0, half_life) == 1.0


@given(a=st.integers(-1000, 1000), b=st.integers(-1000, 1000))
def test_grade_is_monotone_in_points(a: int, b: int) -> None:
    settings_row = ScoringSettings(grade_a_min=60, grade_b_min=35, grade_c_min=10)
    low, high = sorted((a, b))
    assert scoring.GRADES.index(scoring.grade_for(high, settings_row)) <= scoring.GRADES.index(
        scoring.grade_for(low, settings_row)
    )


# --- bulk == per contact -------------------------------------------------------------------

RULES = st.lists(
    st.one_of(
        st.tuples(
            st.just("industry"),
            st.sampled_from(["equals", "contains", "matches", "empty"]),
            st.sampled_from(["Maschinenbau", "bau", "^M", "Handel"]),
        ),
        st.tuples(
            st.just("size"),
            st.sampled_from(["gte", "lte", "equals", "set"]),
            st.sampled_from(["10-49", "250-999"]),
        ),
        st.tuples(
            st.just("title"),
            st.sampled_from(["starts_with", "in", "matches"]),
            st.sampled_from(["Head", "CEO, CTO", "(?i)einkauf"]),
        ),
        st.tuples(st.just("free_mail"), st.just("equals"), st.sampled_from(["true", "false"])),
        st.tuples(
            st.just("email_domain"),
            st.sampled_from(["equals", "not_equals"]),
            st.just("kessler.de"),
        ),
        st.tuples(
            st.just("buying_role"), st.sampled_from(["equals", "empty"]), st.just("champion")
        ),
        st.tuples(st.just("country"), st.sampled_from(["equals", "set"]), st.just("DE")),
    ),
    max_size=6,
).map(lambda rules: rules)
CONTACTS = st.lists(
    st.tuples(
        st.sampled_from([None, 0, 1, 2]),  # account
        st.sampled_from(["Head of Einkauf", "CEO", "", "Techniker"]),
        st.sampled_from(["a@kessler.de", "b@gmx.de", "", "c@GMAIL.com"]),
        st.sampled_from(["", "champion", "user"]),
        st.lists(
            st.tuples(st.sampled_from(["call", "email", "meeting", "note"]), st.integers(0, 200)),
            max_size=4,
        ),
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rules=RULES, contacts=CONTACTS, points=st.lists(st.integers(-50, 50), min_size=6, max_size=6)
)
def test_bulk_equals_per_contact(
    people: Any, rules: list[tuple[str, str, str]], contacts: list[Any], points: list[int]
) -> None:
    FitRule.objects.all().delete()
    Contact.all_objects.all().delete()
    Account.all_objects.all().delete()
    for (field, operator, value), p in zip(rules, points, strict=False):
        _rule(field, operator, scoring.validate_rule(field, operator, value), p)
    accounts = [
        _account(industry="Maschinenbau", size="250-999", country="DE"),
        _account(industry="Handel", size="10-49", country=""),
        _account(industry="", size="", country="AT"),
    ]
    made = []
    for account, title, email, role, touches in contacts:
        contact = _contact(
            None if account is None else accounts[account],
            title=title,
            email=email,
            buying_role=role,
        )
        for kind, days in touches:
            _activity(contact, kind, days)
        made.append(contact)
    job = RescoreJob.objects.create(version=1)
    rescore_all(job_id=job.pk, at=NOW, batch=2)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", len(made), len(made))
    bulk = {
        p.pk: (p.fit_points, p.fit_grade, p.engagement_points) for p in LeadProfile.objects.all()
    }
    for contact in made:
        one = scoring.score_contact(contact_id=contact.pk, at=NOW, promote=False)
        fit, grade, engagement = bulk[contact.pk]
        assert (fit, grade) == (one.fit_points, one.fit_grade)
        assert engagement == pytest.approx(one.engagement_points, abs=0.011)


# --- promotion -------------------------------------------------------------------------------


def test_rule_met_promotes_to_mql_once(people: Any) -> None:
    from interlock.leads.models import Handoff

    ScoringSettings.objects.filter(pk=1).update(mql_min_grade="B", mql_min_engagement=20)
    _rule("industry", "equals", "Maschinenbau", 40)
    hot = _contact(_account(), lifecycle_stage="lead")
    cold = _contact(_account(industry="Handel"), email="b@handel.de", lifecycle_stage="lead")
    for person in (hot, cold):
        # (lifecycle management needs to know since when they are leads)
        LeadProfile.objects.create(contact=person, stage_changed_at=NOW - timedelta(days=9))
        _activity(person, "meeting", 1)
        _activity(person, "call", 2)
    job = RescoreJob.objects.create(version=1)
    done = rescore_all(job_id=job.pk, at=NOW)
    assert done.promoted == 1
    hot.refresh_from_db()
    cold.refresh_from_db()
    assert (hot.lifecycle_stage, cold.lifecycle_stage) == ("mql", "lead")
    handoff = Handoff.objects.get(contact=hot)
    assert (handoff.status, handoff.team_id) == ("open", people.sales.pk)
    again = rescore_all(job_id=RescoreJob.objects.create(version=1).pk, at=NOW)
    assert again.promoted == 0


def test_services_bump_version_and_queue_one_job(people: Any) -> None:
    before = scoring.scoring_settings().version
    rule = services_scoring.fit_rule_create(
        actor=people.marketer, field="industry", operator="equals", value="Maschinenbau", points=20
    )
    services_scoring.fit_rule_update(actor=people.marketer, rule=rule, points=25)
    services_scoring.engagement_rule_set(actor=people.marketer, trigger="activity:call", points=12)
    services_scoring.scoring_settings_update(actor=people.marketer, half_life_days=60)
    assert scoring.scoring_settings().version == before + 4
    assert RescoreJob.objects.filter(status="queued").count() == 1
    with pytest.raises(ValidationError) as caught:
        services_scoring.fit_rule_update(actor=people.marketer, rule=rule, operator="gte")
    assert "operator" in caught.value.error_dict
    with pytest.raises(ValidationError):
        services_scoring.scoring_settings_update(actor=people.marketer, grade_b_min=100)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services_scoring.fit_rule_delete(actor=people.member, rule=rule)


@settings(max_examples=80, deadline=None)
@given(
    field=st.sampled_from([*scoring.ATTRIBUTES, "nonsense"]),
    operator=st.sampled_from([*FitRule.Operator.values, "like"]),
    value=st.text(max_size=60),
    actual=st.text(max_size=30),
)
def test_any_rule_is_refused_cleanly_or_evaluates(
    field: str, operator: str, value: str, actual: str
) -> None:
    try:
        cleaned = scoring.validate_rule(field, operator, value)
    except ValidationError as exc:
        assert exc.message_dict  # always says which field is wrong
        return
    rule = FitRule(field=field, operator=operator, value=cleaned, points=1)
    assert scoring.rule_matches(rule, actual) in (True, False)


# --- the scoring subscriber, event by event and batched ------------------------------------


@pytest.mark.parametrize("route", ["one by one", "batched"])
def test_scoring_subscriber_batch_scores_what_one_by_one_scores(people: Any, route: str) -> None:
    from interlock.core import events
    from interlock.leads import subscribers_scoring

    earlier = NOW - timedelta(days=3)
    new, fresh, touched, captured = (
        _contact(email=f"{name}@kessler.de") for name in ("new", "fresh", "touched", "captured")
    )
    for contact in (fresh, touched, captured):
        LeadProfile.objects.create(contact=contact, scored_at=earlier)
    gone = _contact(email="gone@kessler.de")
    gone_id = gone.pk
    gone.delete()

    def event(kind: str, contact_id: int, **extra: Any) -> Any:
        payload = {"contact_id": contact_id, **extra}
        return events.record(kind, subject=people.sales, payload=payload)

    batch = [
        event("contact.created", new.pk),  # not scored yet: scored
        event("contact.created", fresh.pk),  # scored when captured: left alone
        event("contact.created", touched.pk),
        event("activity.logged", touched.pk),  # something new to count: scored
        event("campaign.responded", captured.pk, scored=True),  # written with its score
        event("activity.logged", gone_id),  # deleted meanwhile: nothing
    ]
    if route == "batched":
        subscribers_scoring.rescore_contacts(batch)
    else:
        for one in batch:
            subscribers_scoring.rescore_contact(one)
    scored = {
        p.contact_id for p in LeadProfile.objects.all() if p.scored_at and p.scored_at > earlier
    }
    assert scored == {new.pk, touched.pk}
    assert not LeadProfile.objects.filter(contact_id=gone_id).exists()
