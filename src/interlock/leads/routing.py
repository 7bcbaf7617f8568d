"""Routing: the first matching rule assigns a contact to a team and (maybe) a person.

Rules run by ``position``; a rule matches when every condition it sets
matches the contact's account (empty lists match everything). The rule's
``method`` then chooses the person: round robin among its reps (or the
team's members) skipping reps at capacity, the account owner, or nobody
(the team queue). An absent rep's lead goes to the deputy
(``effective_assignee``); the assignment keeps both. No rule matching is
not an error: the default queue takes the lead, so no lead is ever lost.

``route_contact`` writes; ``route_preview`` answers the same question
without writing (the "test a contact" box of the routing page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from interlock.core import events
from interlock.customers.models import Account, Contact
from interlock.leads.models import Assignment, Handoff, LeadProfile, LeadSettings, RoutingRule
from interlock.org.models import Membership, Team, User

if TYPE_CHECKING:
    from interlock.org.selectors import Absences

CONDITION_KEYS = ("countries", "states", "regions", "sizes", "accounts")
MAX_VALUES = 500  # per condition list; a rule is read on every routed lead


def default_team() -> Team:
    """The queue no lead falls past: the configured one, else the first sales team."""
    settings_row = LeadSettings.objects.select_related("default_team").filter(pk=1).first()
    if settings_row and settings_row.default_team and settings_row.default_team.deleted_at is None:
        return settings_row.default_team
    team = Team.objects.filter(function=Team.Function.SALES).order_by("id").first()
    return team or Team.objects.order_by("id").first()  # type: ignore[return-value]


# --- conditions ---------------------------------------------------------------------------


def _strings(key: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int) for v in value):
        raise ValidationError(
            {"conditions": _("“%(key)s” must be a list of values.") % {"key": key}}
        )
    if len(value) > MAX_VALUES:
        raise ValidationError(
            {
                "conditions": _("“%(key)s” may hold at most %(max)d values.")
                % {"key": key, "max": MAX_VALUES}
            }
        )
    return [str(v).strip() for v in value if str(v).strip()]


def validate_conditions(conditions: Any) -> dict[str, list[Any]]:
    """The cleaned conditions (sorted, de-duplicated); ValidationError names the bad value."""
    if conditions in (None, ""):
        return {}
    if not isinstance(conditions, dict):
        raise ValidationError({"conditions": _("Conditions must be an object of lists.")})
    unknown = sorted(set(conditions) - set(CONDITION_KEYS))
    if unknown:
        raise ValidationError(
            {
                "conditions": _("Unknown conditions: %(keys)s. Use %(known)s.")
                % {"keys": ", ".join(unknown), "known": ", ".join(CONDITION_KEYS)}
            }
        )
    cleaned: dict[str, list[Any]] = {}
    codes = []
    for raw in _strings("countries", conditions.get("countries")):
        code = countries.alpha2(raw.upper()) if len(raw) <= 3 else ""
        if not code:
            raise ValidationError(
                {
                    "conditions": _("“%(value)s” is not an ISO country code such as DE or AT.")
                    % {"value": raw[:60]}
                }
            )
        codes.append(str(code))
    states = [s.upper() for s in _strings("states", conditions.get("states"))]
    for state in states:
        if len(state) > 10:
            raise ValidationError(
                {
                    "conditions": _("“%(value)s” is not a state code (at most 10 characters).")
                    % {"value": state[:60]}
                }
            )
    regions = _strings("regions", conditions.get("regions"))
    for region in regions:
        if len(region) > 100:
            raise ValidationError({"conditions": _("A region name has at most 100 characters.")})
    sizes = _strings("sizes", conditions.get("sizes"))
    for size in sizes:
        if size not in Account.Size.values:
            raise ValidationError(
                {
                    "conditions": _("“%(value)s” is not an account size; use one of %(sizes)s.")
                    % {"value": size[:60], "sizes": ", ".join(Account.Size.values)}
                }
            )
    ids: list[int] = []
    for raw in _strings("accounts", conditions.get("accounts")):
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationError(
                {"conditions": _("“%(value)s” is not an account id.") % {"value": raw[:60]}}
            )
        ids.append(int(raw))
    if ids:
        found = set(Account.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            raise ValidationError(
                {
                    "conditions": _("No such account: %(ids)s.")
                    % {"ids": ", ".join(map(str, missing))}
                }
            )
    for key, values in (
        ("countries", codes),
        ("states", states),
        ("regions", regions),
        ("sizes", sizes),
        ("accounts", ids),
    ):
        if values:
            cleaned[key] = sorted(set(values), key=str)
    return cleaned


def matches(conditions: dict[str, list[Any]], account: Account | None) -> bool:
    """Every set condition must hold; a contact without account matches only open rules."""
    if not any(conditions.get(key) for key in CONDITION_KEYS):
        return True
    if account is None:
        return False
    checks = (
        ("countries", str(account.country or "")),
        ("states", (account.state or "").upper()),
        ("regions", (account.region or "").casefold()),
        ("sizes", account.size or ""),
        ("accounts", account.pk),
    )
    for key, value in checks:
        wanted = conditions.get(key) or []
        if key == "regions":
            wanted = [str(w).casefold() for w in wanted]
        if wanted and value not in wanted:
            return False
    return True


# --- choosing the person ------------------------------------------------------------------


@dataclass
class Choice:
    """What routing decided (written as an Assignment, or shown as a preview)."""

    team: Team
    rule: RoutingRule | None = None
    rule_name: str = ""
    user: User | None = None
    intended_user: User | None = None
    explanation: str = ""
    notes: list[str] = field(default_factory=list)


def _candidates(rule: RoutingRule) -> list[User]:
    members = list(rule.members.filter(is_active=True).order_by("id"))
    if members:
        return members
    ids = Membership.objects.filter(team_id=rule.team_id).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))


def _open_load(user_ids: list[int]) -> dict[int, int]:
    rows = (
        Handoff.objects.filter(assignee_id__in=user_ids, status=Handoff.Status.OPEN)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    return {row["assignee_id"]: row["n"] for row in rows}


class Router:
    """Routing decisions; what they read is kept for the next one.

    One router serves one transaction: ``route_contact`` makes its own, the
    worker's capture batch shares one among all the contacts it promotes
    (``capture_promote``). With ``lock`` a round-robin rule is read again
    under a row lock the first time it matches: two leads routed at the same
    moment by different transactions would otherwise both read the same
    ``last_user_id`` and go to the same rep (and could both pass the capacity
    check). ``took`` keeps the rule's last rep and the reps' open leads
    current for the next decision of the same transaction.
    """

    def __init__(self, *, lock: bool) -> None:
        self.lock = lock
        self._rules: list[RoutingRule] | None = None
        self._locked: set[int] = set()
        self._reps: dict[int, list[User]] = {}
        self._load: dict[int, int] = {}
        self._absences: Absences | None = None

    def rules(self) -> list[RoutingRule]:
        if self._rules is None:
            query = RoutingRule.objects.filter(active=True).select_related("team")
            self._rules = list(query.order_by("position", "id"))
        return self._rules

    def _fresh(self, rule: RoutingRule) -> RoutingRule:
        if not self.lock or rule.pk in self._locked:
            return rule
        locked = RoutingRule.objects.select_for_update().select_related("team").get(pk=rule.pk)
        self._locked.add(rule.pk)
        rules = self.rules()
        rules[rules.index(rule)] = locked
        return locked

    def _open(self, reps: list[User]) -> dict[int, int]:
        missing = [u.pk for u in reps if u.pk not in self._load]
        if missing:
            found = _open_load(missing)
            for pk in missing:
                self._load[pk] = found.get(pk, 0)
        return self._load

    def _round_robin(self, rule: RoutingRule) -> tuple[User | None, str]:
        """The next rep after the last one chosen who is below capacity (None if all are full)."""
        if rule.pk not in self._reps:
            self._reps[rule.pk] = _candidates(rule)
        reps = self._reps[rule.pk]
        if not reps:
            return None, _("the rule has no reps and the team no members: team queue")
        load = self._open(reps) if rule.capacity is not None else {}
        start = 0
        if rule.last_user_id is not None:
            after = [i for i, u in enumerate(reps) if u.pk > rule.last_user_id]
            start = after[0] if after else 0
        order = reps[start:] + reps[:start]
        for rep in order:
            if rule.capacity is None or load.get(rep.pk, 0) < rule.capacity:
                return rep, _("round robin")
        return None, _(
            "all %(n)d reps have %(cap)d or more open leads (capacity): team queue, nobody yet"
        ) % {"n": len(reps), "cap": rule.capacity}

    def _choose(self, rule: RoutingRule, account: Account | None) -> tuple[User | None, str]:
        if rule.method == RoutingRule.Method.QUEUE:
            return None, _("team queue")
        if rule.method == RoutingRule.Method.ACCOUNT_OWNER:
            owner = account.owner if account is not None else None
            if owner is not None and owner.is_active:
                return owner, _("owner of the account")
            return None, _("the account has no active owner: team queue")
        return self._round_robin(rule)

    def decide(self, account: Account | None, at: datetime) -> Choice:
        """The first matching rule for a contact of ``account`` (None: no account)."""
        for rule in self.rules():
            if rule.team.deleted_at is not None:
                continue
            if not matches(rule.conditions or {}, account):
                continue
            if rule.method == RoutingRule.Method.ROUND_ROBIN:
                rule = self._fresh(rule)
            user, how = self._choose(rule, account)
            choice = Choice(team=rule.team, rule=rule, rule_name=rule.name, intended_user=user)
            choice.explanation = _("rule “%(rule)s” matched; %(how)s") % {
                "rule": rule.name,
                "how": how,
            }
            if user is not None:
                from interlock.org.selectors import Absences, effective_assignee

                if self._absences is None:
                    self._absences = Absences()
                actual = effective_assignee(user, at, absences=self._absences)
                choice.user = actual
                if actual.pk != user.pk:
                    choice.explanation += "; " + _(
                        "%(user)s is away, deputy %(deputy)s takes it"
                    ) % {"user": user, "deputy": actual}
            return choice
        team = default_team()
        return Choice(
            team=team,
            rule_name=_("default queue"),
            explanation=_("no rule matched: default queue %(team)s") % {"team": team},
        )

    def took(self, choice: Choice) -> None:
        """The choice was written: the rule's last rep and the open leads move on."""
        if choice.rule is not None and choice.intended_user is not None:
            choice.rule.last_user_id = choice.intended_user.pk
        if choice.user is not None and choice.user.pk in self._load:
            self._load[choice.user.pk] += 1


def route_preview(contact: Contact, at: datetime | None = None) -> Choice:
    """Which rule would take ``contact`` now, and whom it would get; writes nothing."""
    return Router(lock=False).decide(contact.account, at or timezone.now())


def assignment_for(choice: Choice, contact_id: int, at: datetime) -> Assignment:
    """The record of ``choice`` for one contact (not saved yet)."""
    return Assignment(
        contact_id=contact_id,
        rule=choice.rule,
        rule_name=str(choice.rule_name)[:100],
        team=choice.team,
        user=choice.user,
        intended_user=choice.intended_user,
        explanation=choice.explanation[:300],
        at=at,
    )


def routed_payload(assignment: Assignment, account_id: int | None) -> dict[str, Any]:
    """The payload of ``lead.routed`` for a saved assignment."""
    return {
        "contact_id": assignment.contact_id,
        "account_id": account_id,
        "team_id": assignment.team_id,
        "team": str(assignment.team),
        "user_id": assignment.user_id,
        "user": str(assignment.user) if assignment.user else "",
        "intended_user_id": assignment.intended_user_id,
        "rule_id": assignment.rule_id,
        "rule": assignment.rule_name,
        "explanation": assignment.explanation,
    }


def route_contact(*, contact: Contact, at: datetime | None = None) -> Assignment:
    """Assign ``contact``: the first matching rule, else the default queue (never fails)."""
    at = at or timezone.now()
    with transaction.atomic():
        choice = Router(lock=True).decide(contact.account, at)
        if choice.rule is not None and choice.intended_user is not None:
            RoutingRule.objects.filter(pk=choice.rule.pk).update(
                last_user_id=choice.intended_user.pk
            )
        assignment = assignment_for(choice, contact.pk, at)
        assignment.save(force_insert=True)
        LeadProfile.objects.get_or_create(contact=contact)
        LeadProfile.objects.filter(contact=contact).update(routed_team=choice.team)
        events.record(
            "lead.routed",
            subject=assignment,
            payload=routed_payload(assignment, contact.account_id),
            occurred_at=at,
        )
    return assignment
