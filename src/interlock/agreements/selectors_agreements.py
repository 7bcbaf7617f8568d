"""Reads of agreements for lists, detail pages, the API and the contract document."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from interlock.agreements.models import Agreement, AgreementVersion

S = AgreementVersion.Status


def _versions() -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.order_by("-number").prefetch_related("signatures")


def agreements_for_list(
    *, status: str | None = None, team_id: int | None = None, q: str = ""
) -> QuerySet[Agreement]:
    """Agreements with their versions prefetched (newest first) for ``current_version``.

    ``status`` matches any version's status (e.g. "active": has an active version;
    "proposed": waiting for signatures); ``team_id`` either side.
    """
    qs = Agreement.objects.select_related("provider_team", "receiver_team").prefetch_related(
        Prefetch("versions", queryset=_versions())
    )
    if status:
        qs = qs.filter(versions__status=status)
    if team_id:
        qs = qs.filter(Q(provider_team_id=team_id) | Q(receiver_team_id=team_id))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(versions__purpose__icontains=q))
    return qs.distinct().order_by("title", "id")


def current_version(agreement: Agreement) -> AgreementVersion | None:
    """The active version, else the newest; uses prefetched versions when present."""
    versions = list(agreement.versions.all())
    versions.sort(key=lambda v: v.number, reverse=True)
    for version in versions:
        if version.status == S.ACTIVE:
            return version
    return versions[0] if versions else None


def open_version(agreement: Agreement) -> AgreementVersion | None:
    """The draft or proposal being worked on, if any."""
    for version in agreement.versions.all():
        if version.status in (S.DRAFT, S.PROPOSED):
            return version
    return None


def agreement_detail(pk: int) -> Agreement:
    """One agreement with teams and versions; raises ``Agreement.DoesNotExist``."""
    return (
        Agreement.objects.select_related("provider_team", "receiver_team", "created_by")
        .prefetch_related(Prefetch("versions", queryset=_versions()))
        .get(pk=pk)
    )


def version_of(agreement: Agreement, number: int | None = None) -> AgreementVersion:
    """Version ``number``, or (None) the active one, else the latest.

    Raises ``AgreementVersion.DoesNotExist``; terms, ladder and signatures prefetched.
    """
    qs = (
        AgreementVersion.objects.filter(agreement=agreement)
        .select_related(
            "agreement__provider_team", "agreement__receiver_team", "proposed_by", "created_by"
        )
        .prefetch_related("terms", "ladder", "signatures__user", "signatures__team")
    )
    if number is not None:
        return qs.get(number=number)
    found = qs.filter(status=S.ACTIVE).first() or qs.order_by("-number").first()
    if found is None:
        raise AgreementVersion.DoesNotExist
    return found


def team_leads(team: Any) -> list[Any]:
    """The leads of a team (for the contract's parties), by name."""
    from interlock.org.models import Membership

    return [
        m.user
        for m in Membership.objects.filter(
            team=team, role=Membership.Role.LEAD, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    ]
