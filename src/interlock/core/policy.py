"""The one permission policy: who may do what.

Views, API endpoints, CLI and tasks ask :func:`can` or :func:`require`; no
view decides on its own. Rules read only the user's role, team-lead
memberships (``user.leads_team(team)``) and the object, so this module
imports no app. The access matrix in ``tests/test_access_matrix.py`` tests
the allowed and the denied case of every URL and API operation.

Roles:
- ``admin``: runs the installation (users, teams, calendars, tokens, trash);
- ``management``: reads everything incl. audit and events, plans, approves;
- ``member``: works in the teams; a team lead is a member with a lead
  membership in that team;
- ``readonly``: reads the shared record, never writes (API tokens too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

Rule = Callable[[Any, Any], bool]


class Role:
    ADMIN = "admin"
    MANAGEMENT = "management"
    MEMBER = "member"
    READONLY = "readonly"


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _role(user: Any) -> str | None:
    if not _active(user):
        return None
    if user.is_superuser:
        return Role.ADMIN
    return str(getattr(user, "role", Role.READONLY))


def is_admin(user: Any, obj: Any = None) -> bool:
    return _role(user) == Role.ADMIN


def is_oversight(user: Any, obj: Any = None) -> bool:
    return _role(user) in {Role.ADMIN, Role.MANAGEMENT}


def is_signed_in(user: Any, obj: Any = None) -> bool:
    return _role(user) is not None


def may_write(user: Any, obj: Any = None) -> bool:
    return _role(user) in {Role.ADMIN, Role.MANAGEMENT, Role.MEMBER}


def _leads_team(user: Any, team: Any) -> bool:
    return team is not None and bool(user.leads_team(team))


def _team_of(obj: Any) -> Any:
    return getattr(obj, "team", obj)


def manage_team_members(user: Any, team: Any) -> bool:
    return is_admin(user) or (may_write(user) and _leads_team(user, team))


def manage_absence(user: Any, absence_or_user: Any) -> bool:
    """An absence is kept by the person, their team lead, or an admin."""
    if is_admin(user):
        return True
    if not may_write(user):
        return False
    person = getattr(absence_or_user, "user", absence_or_user)
    if person is None or person.pk == user.pk:
        return True
    return any(user.leads_team(team) for team in person.teams.all())


def manage_own_token(user: Any, token: Any = None) -> bool:
    if not is_signed_in(user):
        return False
    return token is None or token.user_id == user.pk or is_admin(user)


def leads_or_oversees(user: Any, obj: Any = None) -> bool:
    """Management, admins, and anyone who leads a team (merges, bulk changes)."""
    return is_oversight(user) or (may_write(user) and bool(user.leads_any_team()))


def _works_in(user: Any, function: str) -> bool:
    return bool(user.works_in(function))


def configures_leads(user: Any, obj: Any = None) -> bool:
    """Scoring, routing and rejection reasons: marketing, team leads, oversight."""
    if is_oversight(user):
        return True
    return may_write(user) and (_works_in(user, "marketing") or bool(user.leads_any_team()))


def responds_to_handoff(user: Any, handoff: Any = None) -> bool:
    """Accept or reject a lead: its assignee, a member of its queue's team, oversight."""
    if is_oversight(user):
        return True
    if not may_write(user):
        return False
    if handoff is None:
        return True  # the queue pages; each handoff is checked again
    if handoff.assignee_id == user.pk:
        return True
    return bool(user.memberships.filter(team_id=handoff.team_id).exists())


def disputes_rejections(user: Any, obj: Any = None) -> bool:
    """Marketing answers a rejection (dispute, take back); oversight too."""
    return is_oversight(user) or (may_write(user) and _works_in(user, "marketing"))


def settles_disputes(user: Any, handoff: Any = None) -> bool:
    """A disputed rejection is settled by a team lead (of either side) or oversight."""
    return leads_or_oversees(user)


def runs_campaigns(user: Any, obj: Any = None) -> bool:
    return configures_leads(user)


def _party_teams(obj: Any) -> list[Any]:
    """The two teams of an agreement (or of a version, obligation or dispute of one)."""
    agreement = getattr(obj, "agreement", obj)
    if agreement is None or not hasattr(agreement, "provider_team_id"):
        return []
    return [agreement.provider_team_id, agreement.receiver_team_id]


def drafts_agreements(user: Any, agreement: Any = None) -> bool:
    """Draft, edit, propose, withdraw or terminate an agreement: a lead of either
    team, or oversight; without an agreement, anyone who leads a team."""
    if is_oversight(user):
        return True
    if not may_write(user):
        return False
    teams = _party_teams(agreement)
    if not teams:
        return bool(user.leads_any_team())
    return any(user.leads_team(team) for team in teams)


def signs_for_team(user: Any, team: Any) -> bool:
    """Only a team lead signs for a team (management does not sign for others)."""
    return may_write(user) and team is not None and bool(user.leads_team(team))


def disputes_breaches(user: Any, obj: Any = None) -> bool:
    """The receiving side disputes a breach: a member of the receiver team, or oversight."""
    if is_oversight(user):
        return True
    if not may_write(user):
        return False
    agreement = getattr(obj, "agreement", obj)
    if agreement is None or not hasattr(agreement, "receiver_team_id"):
        return True  # lists; each breach is checked again
    return bool(user.memberships.filter(team_id=agreement.receiver_team_id).exists())


def settles_breach_disputes(user: Any, obj: Any = None) -> bool:
    """A team lead of either side records that side's decision on a dispute."""
    if not may_write(user):
        return False
    teams = _party_teams(obj)
    if not teams:
        return bool(user.leads_any_team())
    return any(user.leads_team(team) for team in teams)


def delivers_request(user: Any, request: Any = None) -> bool:
    """A request is delivered or cancelled by its assignee, the asked team, the asker, oversight."""
    if is_oversight(user):
        return True
    if not may_write(user):
        return False
    if request is None:
        return True
    if user.pk in (request.assignee_id, request.requested_by_id):
        return True
    return bool(
        user.memberships.filter(
            team_id__in=[request.provider_team_id, request.requesting_team_id]
        ).exists()
    )


RULES: dict[str, Rule] = {
    # Reading the organisation and the shared record: everybody signed in.
    "org.view": is_signed_in,
    "calendar.view": is_signed_in,
    # Organisation upkeep.
    "user.manage": is_admin,
    "team.manage": is_admin,
    "team.members": manage_team_members,
    "calendar.manage": lambda user, team: is_admin(user) or manage_team_members(user, team),
    "absence.manage": manage_absence,
    # Platform.
    "token.manage": manage_own_token,
    "token.write_scope": may_write,
    "trash.view": is_admin,
    "trash.restore": is_admin,
    "audit.view": is_oversight,
    "event.view": is_oversight,
    "admin.site": is_admin,
    # The shared customer record: everybody reads it (transparency is the
    # point); everybody who may write keeps it; merging is for leads.
    "customer.view": is_signed_in,
    "customer.write": may_write,
    "customer.merge": leads_or_oversees,
    # Deals, quotes, products.
    "sales.view": is_signed_in,
    "sales.write": may_write,
    "sales.configure": is_oversight,  # pipelines, stages, products, price lists
    # Complaints and ideas.
    "feedback.view": is_signed_in,
    "feedback.write": may_write,
    # Leads: everybody reads the funnel and the queues; writers move stages,
    # capture and qualify; marketing and leads configure; queues answer.
    "lead.view": is_signed_in,
    "lead.write": may_write,
    "lead.configure": configures_leads,
    "lead.respond": responds_to_handoff,
    "lead.dispute": disputes_rejections,
    "lead.settle": settles_disputes,
    # Campaigns: everybody sees them; marketing, team leads and oversight run them.
    "campaign.view": is_signed_in,
    "campaign.write": runs_campaigns,
    # Team agreements: everybody reads them and their scorecards (transparency);
    # team leads of the two sides draft and sign; the receiver disputes breaches.
    "agreement.view": is_signed_in,
    "agreement.draft": drafts_agreements,
    "agreement.sign": signs_for_team,
    "agreement.run": is_oversight,  # run the engine by hand, rebuild, demo
    "breach.dispute": disputes_breaches,
    "breach.settle": settles_breach_disputes,
    "request.create": may_write,
    "request.deliver": delivers_request,
    # Own notifications.
    "notification.view": is_signed_in,
    # imports of accounts, contacts and deals (users and teams also need user.manage)
    "import.run": may_write,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise LookupError(f"no policy rule for {action!r}") from None
    return bool(rule(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` may do ``action`` (on ``obj``)."""
    if not can(user, action, obj):
        raise PermissionDenied(action)
