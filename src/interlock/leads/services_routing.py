"""Writes of the routing setup: rules (create, change, delete, reorder) and the default queue.

Each is one transaction, asks ``lead.configure`` first, validates the
conditions (``routing.validate_conditions``) and records an event; the
rows are audited by django-auditlog (see ``registrations``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.leads.models import LeadSettings, RoutingRule
from interlock.leads.routing import validate_conditions
from interlock.org.models import Membership, Team, User

RULE_FIELDS = frozenset({"name", "active", "conditions", "team", "method", "members", "capacity"})


def _check(rule: RoutingRule, members: list[User] | None) -> None:
    rule.name = (rule.name or "").strip()
    if not rule.name:
        raise ValidationError({"name": _("Give the rule a name.")})
    rule.conditions = validate_conditions(rule.conditions)
    if rule.team_id and rule.team.deleted_at is not None:
        raise ValidationError({"team": _("This team is in the trash; choose another.")})
    if rule.capacity is not None and rule.capacity < 1:
        raise ValidationError({"capacity": _("Capacity is at least 1 (or empty for no cap).")})
    if members:
        inactive = [str(u) for u in members if not u.is_active]
        if inactive:
            raise ValidationError(
                {
                    "members": _("Inactive users cannot get leads: %(names)s.")
                    % {"names": ", ".join(inactive)}
                }
            )
        in_team = set(
            Membership.objects.filter(team_id=rule.team_id).values_list("user_id", flat=True)
        )
        outside = [str(u) for u in members if u.pk not in in_team]
        if outside:
            raise ValidationError(
                {
                    "members": _(
                        "%(names)s are not members of %(team)s; add them to the team first "
                        "or choose reps of the team."
                    )
                    % {"names": ", ".join(outside), "team": rule.team}
                }
            )
    rule.full_clean()


def _payload(rule: RoutingRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "position": rule.position,
        "team_id": rule.team_id,
        "method": rule.method,
        "conditions": rule.conditions,
        "capacity": rule.capacity,
        "active": rule.active,
    }


def routing_rule_create(
    *,
    actor: Any,
    name: str,
    team: Team,
    method: str = RoutingRule.Method.ROUND_ROBIN,
    conditions: dict[str, Any] | None = None,
    members: Iterable[User] = (),
    capacity: int | None = None,
    active: bool = True,
) -> RoutingRule:
    """A new rule at the end of the list (it matches after all existing rules)."""
    policy.require(actor, "lead.configure")
    reps = list(members)
    with transaction.atomic():
        last = RoutingRule.objects.aggregate(m=Max("position"))["m"]
        rule = RoutingRule(
            name=name,
            team=team,
            method=method,
            conditions=conditions or {},
            capacity=capacity,
            active=active,
            position=0 if last is None else last + 1,
        )
        _check(rule, reps)
        rule.save()
        rule.members.set(reps)
        events.record(
            "routing_rule.created",
            subject=rule,
            actor=actor,
            payload={**_payload(rule), "members": [u.pk for u in reps]},
        )
    return rule


def routing_rule_update(*, actor: Any, rule: RoutingRule, **fields: Any) -> RoutingRule:
    """Change the given fields; ``members`` replaces the reps."""
    policy.require(actor, "lead.configure")
    unknown = set(fields) - RULE_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    members = fields.pop("members", None)
    reps = list(members) if members is not None else None
    with transaction.atomic():
        # The round robin writes last_user_id under this lock too: no lost update.
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        for name, value in fields.items():
            setattr(rule, name, value)
        _check(rule, reps if reps is not None else list(rule.members.all()))
        rule.save()
        if reps is not None:
            rule.members.set(reps)
        events.record(
            "routing_rule.updated",
            subject=rule,
            actor=actor,
            payload={**_payload(rule), "fields": sorted([*fields, *(["members"] if reps else [])])},
        )
    return rule


def routing_rule_delete(*, actor: Any, rule: RoutingRule) -> None:
    """Delete a rule; its assignments keep the rule's name."""
    policy.require(actor, "lead.configure")
    with transaction.atomic():
        events.record("routing_rule.deleted", subject=rule, actor=actor, payload=_payload(rule))
        rule.delete()


def routing_rule_move(*, actor: Any, rule: RoutingRule, direction: str) -> RoutingRule:
    """Swap the rule with its neighbour ("up" = earlier, matched first)."""
    policy.require(actor, "lead.configure")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a rule “up” or “down”.")})
    with transaction.atomic():
        # Lock all rules: two people reordering at once would otherwise
        # renumber from stale positions and leave duplicates.
        rules = list(RoutingRule.objects.select_for_update().order_by("position", "id"))
        index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rules):
            rules[index], rules[other] = rules[other], rules[index]
        for position, item in enumerate(rules):
            if item.position != position:
                RoutingRule.objects.filter(pk=item.pk).update(position=position)
                item.position = position
        moved = rules[other] if 0 <= other < len(rules) else rules[index]
        events.record(
            "routing_rule.moved",
            subject=moved,
            actor=actor,
            payload={"name": moved.name, "position": moved.position, "direction": direction},
        )
    return moved


def lead_settings_update(*, actor: Any, default_team: Team | None) -> LeadSettings:
    """Set the default queue (leads no rule matches go there)."""
    policy.require(actor, "lead.configure")
    if default_team is not None and default_team.deleted_at is not None:
        raise ValidationError({"default_team": _("This team is in the trash; choose another.")})
    with transaction.atomic():
        row, _created = LeadSettings.objects.select_for_update().get_or_create(pk=1)
        row.default_team = default_team
        row.full_clean()
        row.save()
        events.record(
            "lead_settings.updated",
            subject=row,
            actor=actor,
            payload={"default_team_id": default_team.pk if default_team else None},
        )
    return row
