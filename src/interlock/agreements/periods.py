"""Quantity and quality terms, evaluated per period (week, month, quarter).

Periods are calendar weeks (Monday to Sunday), months and quarters in the
receiver team's time zone, cut to the time the version was in force. While a
period runs, a quantity term gets a forecast (count ÷ elapsed fraction) and
is on track or at risk; when it ends the result is final: met or missed.
A quality term counts the deliverables whose criterion is decided
(:data:`~interlock.core.deliverables.UNDECIDED` ones are left out) and
compares the share that meets it with the target; it has not enough data
below the minimum sample, and becomes final once the period ended and
nothing is undecided, or 60 days after the end at the latest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from interlock.agreements import criteria, projection, scheduling
from interlock.agreements.models import Deliverable, PeriodResult, Term
from interlock.core import deliverables, events

QUALITY_SETTLES_AFTER = timedelta(days=60)
PERIOD_MISSED = "agreement.period_missed"
Status = PeriodResult.Status


def period_start(period: str, day: date) -> date:
    if period == Term.Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period == Term.Period.MONTH:
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_start(period: str, start: date) -> date:
    if period == Term.Period.WEEK:
        return start + timedelta(days=7)
    months = 1 if period == Term.Period.MONTH else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def periods_between(period: str, first: date, last: date) -> Iterator[tuple[date, date]]:
    """[start, end) of every period touching the days ``first`` … ``last``."""
    start = period_start(period, first)
    while start <= last:
        end = next_start(period, start)
        yield start, end
        start = end


def _zone(team_id: int) -> ZoneInfo:
    spec = scheduling.spec_for_team(team_id)
    return ZoneInfo(spec.timezone if spec is not None else str(settings.TIME_ZONE))


def _at(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def evaluate(
    *, now: datetime, term_ids: list[int] | None = None, record: bool = True
) -> dict[str, int]:
    """Evaluate every quantity/quality term up to ``now``; returns counts.

    ``record=False`` (a rebuild) writes the results without recording
    ``agreement.period_missed`` again.
    """
    counts: Counter[str] = Counter(evaluated=0, final=0, missed=0)
    qs = Term.objects.filter(
        type__in=[Term.Type.QUANTITY, Term.Type.QUALITY],
        version__status__in=projection.IN_FORCE_STATUSES,
    ).select_related("version__agreement")
    if term_ids is not None:
        qs = qs.filter(pk__in=term_ids)
    for term in qs.order_by("id"):
        if term.deliverable not in deliverables.kinds() or not term.period:
            continue
        _evaluate_term(term, now=now, counts=counts, record=record)
    return dict(counts)


def _evaluate_term(term: Term, *, now: datetime, counts: Counter[str], record: bool) -> None:
    version = term.version
    begin, end = version.in_force_from(), version.in_force_to()
    if begin is None or begin > now:
        return
    zone = _zone(version.agreement.receiver_team_id)
    last = min(now, end) if end is not None else now
    finals = set(
        PeriodResult.objects.filter(term=term, final=True).values_list("period_start", flat=True)
    )
    for start, stop in periods_between(
        term.period, begin.astimezone(zone).date(), last.astimezone(zone).date()
    ):
        if start in finals:
            continue
        window_from = max(_at(start, zone), begin)
        window_to = min(_at(stop, zone), end) if end is not None else _at(stop, zone)
        if window_to <= window_from:
            continue
        with transaction.atomic():
            result = _result(term, start, stop, window_from, window_to, now)
            counts["evaluated"] += 1
            if result.final:
                counts["final"] += 1
                if result.status == Status.MISSED:
                    counts["missed"] += 1
                    if record:
                        _missed(term, result)


def _keys(term: Term, window_from: datetime, window_to: datetime) -> Any:
    qs = Deliverable.objects.filter(
        kind=term.deliverable, delivered_at__gte=window_from, delivered_at__lt=window_to
    )
    if term.place:
        qs = qs.filter(place=term.place)
    return qs


def _result(
    term: Term, start: date, stop: date, window_from: datetime, window_to: datetime, now: datetime
) -> PeriodResult:
    ended = now >= window_to
    values: dict[str, Any] = {"evaluated_at": now, "period_end": stop, "forecast": None}
    if term.type == Term.Type.QUANTITY:
        count = _keys(term, window_from, window_to).count()
        values.update(_quantity(term, count, window_from, window_to, now, ended))
    else:
        values.update(_quality(term, window_from, window_to, now, ended))
    result, _created = PeriodResult.objects.update_or_create(
        term=term, period_start=start, defaults=values
    )
    return result


def _quantity(
    term: Term, count: int, window_from: datetime, window_to: datetime, now: datetime, ended: bool
) -> dict[str, Any]:
    low, high = term.minimum, term.maximum
    if ended:
        ok = (low is None or count >= low) and (high is None or count <= high)
        return {"count": count, "status": Status.MET if ok else Status.MISSED, "final": True}
    fraction = (now - window_from) / (window_to - window_from)
    forecast = round(count / fraction) if fraction > 0.01 else count
    risky = (low is not None and forecast < low) or (high is not None and forecast > high)
    return {
        "count": count,
        "forecast": forecast,
        "status": Status.AT_RISK if risky else Status.ON_TRACK,
        "final": False,
    }


def _quality(
    term: Term, window_from: datetime, window_to: datetime, now: datetime, ended: bool
) -> dict[str, Any]:
    kind = deliverables.get(term.deliverable)
    keys = list(_keys(term, window_from, window_to).values_list("key", flat=True))
    attribute = str(term.criterion.get("attribute", ""))
    decided = met = undecided = 0
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        found = kind.evaluate(batch) if kind.evaluate is not None else {}
        for key in batch:
            value = found.get(key, {}).get(attribute, deliverables.UNDECIDED)
            verdict = criteria.matches(term.criterion, value)
            if verdict is deliverables.UNDECIDED:
                undecided += 1
                continue
            decided += 1
            met += 1 if verdict else 0
    percent = (
        (Decimal(met) * 100 / decided).quantize(Decimal("0.01"), ROUND_HALF_UP) if decided else None
    )
    target = term.target_percent if term.target_percent is not None else Decimal(100)
    if decided < (term.min_sample or 1):
        status = Status.NOT_ENOUGH_DATA
    elif ended:
        status = Status.MET if percent is not None and percent >= target else Status.MISSED
    else:
        status = Status.ON_TRACK if percent is not None and percent >= target else Status.AT_RISK
    final = ended and (undecided == 0 or now >= window_to + QUALITY_SETTLES_AFTER)
    return {
        "count": len(keys),
        "decided": decided,
        "met": met,
        "percent": percent,
        "status": status,
        "final": final,
    }


def _missed(term: Term, result: PeriodResult) -> None:
    agreement = term.version.agreement
    events.record(
        PERIOD_MISSED,
        subject=agreement,
        payload={
            "agreement_id": agreement.pk,
            "term_id": term.pk,
            "period_result_id": result.pk,
            "period_start": result.period_start.isoformat(),
            "period_end": result.period_end.isoformat(),
            "count": result.count,
            "percent": str(result.percent) if result.percent is not None else None,
        },
        occurred_at=timezone.now(),
    )
