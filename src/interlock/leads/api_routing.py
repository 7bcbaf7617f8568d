"""REST endpoints of lead management: routing rules."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.schemas import PROBLEMS, DbId
from interlock.leads import selectors_routing, services_routing
from interlock.leads.models import RoutingRule
from interlock.leads.schemas_routing import RuleIn, RuleOut, RulePatch
from interlock.org.models import Team, User

router = Router(tags=["leads"])
RuleId = Annotated[DbId, Path()]


def rule_out(rule: RoutingRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "position": rule.position,
        "active": rule.active,
        "team_id": rule.team_id,
        "method": rule.method,
        "member_ids": sorted(u.pk for u in rule.members.all()),
        "capacity": rule.capacity,
        "conditions": rule.conditions or {},
    }


def _fields(changes: dict[str, Any]) -> dict[str, Any]:
    if "team_id" in changes:
        pk = changes.pop("team_id")
        team = Team.objects.filter(pk=pk).first()
        if team is None:
            raise ValidationError({"team_id": _("No such team (id %(id)s).") % {"id": pk}})
        changes["team"] = team
    if "member_ids" in changes:
        ids = changes.pop("member_ids")
        users = list(User.objects.filter(pk__in=ids))
        missing = sorted(set(ids) - {u.pk for u in users})
        if missing:
            raise ValidationError(
                {"member_ids": _("No such user: %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
            )
        changes["members"] = users
    return changes


@router.get(
    "/routing-rules", response={200: list[RuleOut], **PROBLEMS}, summary="Routing rules in order"
)
def routing_rules_list(request: ApiRequest) -> Any:
    """All rules in the order they run (the first match assigns)."""
    policy.require(request.auth, "lead.view")
    return [rule_out(rule) for rule in selectors_routing.rules()]


@router.post(
    "/routing-rules", response={201: RuleOut, **PROBLEMS}, summary="Add a routing rule at the end"
)
def routing_rules_create(request: ApiRequest, payload: RuleIn) -> Any:
    policy.require(request.auth, "lead.configure")
    rule = services_routing.routing_rule_create(actor=request.auth, **_fields(payload.dict()))
    return Status(201, rule_out(rule))


@router.patch(
    "/routing-rules/{rule_id}", response={200: RuleOut, **PROBLEMS}, summary="Change a routing rule"
)
def routing_rules_update(request: ApiRequest, rule_id: RuleId, payload: RulePatch) -> Any:
    policy.require(request.auth, "lead.configure")
    rule = get_object_or_404(RoutingRule, pk=rule_id)
    changes = payload.changes()
    rule = services_routing.routing_rule_update(actor=request.auth, rule=rule, **_fields(changes))
    return rule_out(rule)


@router.delete(
    "/routing-rules/{rule_id}", response={204: None, **PROBLEMS}, summary="Delete a routing rule"
)
def routing_rules_delete(request: ApiRequest, rule_id: RuleId) -> Any:
    policy.require(request.auth, "lead.configure")
    services_routing.routing_rule_delete(
        actor=request.auth, rule=get_object_or_404(RoutingRule, pk=rule_id)
    )
    return Status(204, None)
