"""The agreements clock: at risk, breach and the escalation ladder, once a minute.

``tick(now=...)`` reads only obligations whose ``check_at`` has come (one
indexed raw query per chunk, times parsed once), moves them on in bulk, records
``obligation.at_risk`` / ``obligation.breached`` events set-based and runs
the ladder steps that came due, each once per (obligation, step). A breach
happens at the due time, not when the clock notices: after a day without a
worker the first tick still sets ``breached_at`` to the due time and runs
every step that was missed, in order.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from interlock.agreements import consequences, projection, scheduling
from interlock.agreements.models import (
    Agreement,
    Deliverable,
    EscalationRun,
    EscalationStep,
    Obligation,
)
from interlock.core import events
from interlock.core.context import current
from interlock.core.models import Event

log = logging.getLogger(__name__)

CHUNK = 5000
AT_RISK = "obligation.at_risk"
BREACHED = "obligation.breached"
_FIELDS = (
    "id",
    "status",
    "at_risk_at",
    "due_at",
    "check_at",
    "version_id",
    "agreement_id",
    "term_id",
    "assignee_id",
    "deliverable__kind",
    "deliverable__key",
    "agreement__receiver_team_id",
)


def tick(*, now: datetime) -> dict[str, int]:
    """Advance every obligation due for a look at ``now``; returns counts."""
    counts: Counter[str] = Counter(checked=0, at_risk=0, breached=0, escalations=0)
    seen: set[int] = set()
    steps: dict[int, list[EscalationStep]] = {}
    while True:
        with transaction.atomic():
            rows = _due_rows(now)
            fresh = [r for r in rows if r["id"] not in seen]
            if not fresh:
                break
            seen.update(r["id"] for r in fresh)
            _advance(fresh, now=now, steps=steps, counts=counts)
        if len(rows) < CHUNK:
            break
    return dict(counts)


_TIMES = (2, 3, 4)  # at_risk_at, due_at, check_at


def _due_rows(now: datetime) -> list[dict[str, Any]]:
    """The next chunk of obligations whose ``check_at`` has come, read raw.

    One indexed query; times are parsed here (SQLite keeps naive UTC text)
    instead of through Django's per-row converters.
    """
    o, d, a = (
        connection.ops.quote_name(m._meta.db_table) for m in (Obligation, Deliverable, Agreement)
    )
    # SQLite: times as plain text (a bare column would go through Django's slow converter)
    text = "CAST(o.{} AS TEXT)" if connection.vendor == "sqlite" else "o.{}"
    columns = ", ".join(
        (text if i in _TIMES else "o.{}").format(c) for i, c in enumerate(_FIELDS[:9])
    )
    columns += ", d.kind, d.key, a.receiver_team_id"
    lock = ""
    if connection.features.has_select_for_update_skip_locked:
        lock = " FOR UPDATE OF o SKIP LOCKED"
    sql = (
        f"SELECT {columns} FROM {o} o JOIN {d} d ON d.id = o.deliverable_id "  # noqa: S608
        f"JOIN {a} a ON a.id = o.agreement_id "
        "WHERE o.check_at IS NOT NULL AND o.check_at <= %s "
        f"ORDER BY o.check_at, o.id LIMIT {CHUNK}{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
        fetched = cursor.fetchall()
    parse = _parser()
    rows = []
    for values in fetched:
        row = dict(zip(_FIELDS, values, strict=True))
        row["_db"] = values  # the values as stored, written back as they are
        for i in _TIMES:
            key = _FIELDS[i]
            if row[key] is not None:
                row[key] = parse(row[key])
        rows.append(row)
    return rows


def _parser() -> Any:
    """Column value → aware UTC datetime (SQLite: naive UTC text; others: datetimes)."""
    if connection.vendor == "sqlite":
        return lambda v: (datetime.fromisoformat(v) if isinstance(v, str) else v).replace(
            tzinfo=UTC
        )
    return lambda v: v if v.tzinfo is not None else timezone.make_aware(v, UTC)


def _steps_for(version_ids: set[int], cache: dict[int, list[EscalationStep]]) -> None:
    missing = version_ids - set(cache)
    if not missing:
        return
    for version_id in missing:
        cache[version_id] = []
    for step in EscalationStep.objects.filter(version_id__in=missing).order_by(
        "version_id", "trigger", "offset_hours", "position", "id"
    ):
        cache[step.version_id].append(step)


def step_due(step: EscalationStep, row: dict[str, Any]) -> datetime | None:
    """When ``step`` is due for the obligation ``row`` (None: it never triggers)."""
    trigger = row["at_risk_at"] if step.trigger == EscalationStep.Trigger.AT_RISK else row["due_at"]
    if trigger is None:
        return None
    spec = (
        scheduling.spec_for_team(row["agreement__receiver_team_id"]) if step.offset_hours else None
    )
    return scheduling.add_hours(spec, trigger, step.offset_hours)


def plan(
    row: dict[str, Any], steps: list[EscalationStep], ran: set[int], now: datetime
) -> tuple[str, datetime | None, list[tuple[datetime, int, EscalationStep]]]:
    """(new status, next check_at, steps to run now in order) for one obligation."""
    status = row["status"]
    if status not in projection.OPEN_STATUSES:
        return status, None, []
    if status != Obligation.Status.BREACHED and row["due_at"] <= now:
        status = Obligation.Status.BREACHED
    elif status == Obligation.Status.OPEN and row["at_risk_at"] and row["at_risk_at"] <= now:
        status = Obligation.Status.AT_RISK
    pending: list[datetime] = []
    if status == Obligation.Status.OPEN:
        pending.append(row["at_risk_at"] or row["due_at"])
    elif status == Obligation.Status.AT_RISK:
        pending.append(row["due_at"])
    to_run: list[tuple[datetime, int, EscalationStep]] = []
    for order, step in enumerate(steps):
        if step.pk in ran:
            continue
        due = step_due(step, row)
        if due is None:
            continue
        if due <= now:
            to_run.append((due, order, step))
        else:
            pending.append(due)
    to_run.sort(key=lambda item: (item[0], item[1]))
    return status, min(pending) if pending else None, to_run


def _same_as(row: dict[str, Any], check_at: datetime | None) -> Any:
    """``check_at`` as a column name when it equals one (so rows group), else the value."""
    if check_at is None:
        return None
    for column in ("due_at", "at_risk_at"):
        if row[column] == check_at:
            return column
    return check_at


def _advance(
    rows: list[dict[str, Any]],
    *,
    now: datetime,
    steps: dict[int, list[EscalationStep]],
    counts: Counter[str],
) -> None:
    _steps_for({r["version_id"] for r in rows}, steps)
    with_steps = [r["id"] for r in rows if steps[r["version_id"]]]
    ran: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(with_steps), 900):
        for ob_id, step_id in EscalationRun.objects.filter(
            obligation_id__in=with_steps[start : start + 900]
        ).values_list("obligation_id", "step_id"):
            ran[ob_id].add(step_id)
    groups: dict[tuple[str, bool, Any], list[int]] = defaultdict(list)
    went: dict[str, list[dict[str, Any]]] = {AT_RISK: [], BREACHED: []}
    runs: dict[int, list[tuple[datetime, int, EscalationStep]]] = {}
    for row in rows:
        status, check_at, to_run = plan(row, steps[row["version_id"]], ran[row["id"]], now)
        breached = status == Obligation.Status.BREACHED and row["status"] != status
        if breached:
            went[BREACHED].append(row)
        elif status == Obligation.Status.AT_RISK and row["status"] != status:
            went[AT_RISK].append(row)
        groups[(status, breached, _same_as(row, check_at))].append(row["id"])
        if to_run:
            runs[row["id"]] = to_run
    wall = timezone.now()
    for (status, breached, moment), ids in groups.items():
        extra: dict[str, Any] = {"breached_at": F("due_at")} if breached else {}
        # the same column for the whole group: one UPDATE per chunk
        next_check: Any = F(moment) if isinstance(moment, str) else moment
        for start in range(0, len(ids), 900):
            Obligation.objects.filter(id__in=ids[start : start + 900]).update(
                status=status, check_at=next_check, changed_at=wall, **extra
            )
    counts["checked"] += len(rows)
    counts["at_risk"] += len(went[AT_RISK])
    counts["breached"] += len(went[BREACHED])
    for event_type, changed in went.items():
        _record(event_type, changed)
    if runs:
        counts["escalations"] += _run_steps(runs, now=now)


def _adapter() -> Any:
    """Aware datetime → column value as Django writes it, without its per-value checks."""
    if connection.vendor == "sqlite":
        return lambda v: v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return lambda v: v


def _canonical(value: Any) -> bool:
    """Is ``value`` the text Django writes for a UTC time on SQLite ("YYYY-MM-DD HH:MM:SS[.f]")?"""
    if not isinstance(value, str) or len(value) not in (19, 26) or value[10] != " ":
        return False
    return len(value) == 19 or not value.endswith(".000000")


def _stored(row: dict[str, Any], key: str, adapt: Any) -> tuple[Any, str]:
    """(column value to write, ISO text) of the time ``key`` of a due row, converted once."""
    raw = row.get("_db")
    value: Any = raw[_FIELDS.index(key)] if raw is not None else None
    if _canonical(value):
        return value, f"{value[:10]}T{value[11:]}+00:00"
    return adapt(row[key]), row[key].isoformat()


def _json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value)


def payload_text(row: dict[str, Any], due_iso: str) -> str:
    """``json.dumps`` of the event payload, built as text (a test holds them equal)."""
    return (
        f'{{"obligation_id": {_json(row["id"])}, "agreement_id": {_json(row["agreement_id"])}, '
        f'"term_id": {_json(row["term_id"])}, "kind": {_json(row["deliverable__kind"])}, '
        f'"key": {_json(row["deliverable__key"])}, "assignee_id": {_json(row["assignee_id"])}, '
        f'"due_at": {_json(due_iso)}}}'
    )


_EVENT_COLS = ("type", "subject_type", "subject_id", "actor_id", "source", "occurred_at", "payload")


def _record(event_type: str, rows: list[dict[str, Any]]) -> None:
    """One event per obligation that went at risk / breached, written set-based.

    COPY on PostgreSQL, executemany elsewhere; the new ids are read back by
    type and subject above the highest id seen before the write (a concurrent
    tick holds other rows: its subjects differ), then their deliveries are
    written for the subscribers that want the type.
    """
    if not rows:
        return
    acting = current()
    moment = "at_risk_at" if event_type == AT_RISK else "due_at"
    subject_type = events.subject_label(Obligation)
    adapt = _adapter()
    values = []
    for row in rows:
        occurred = _stored(row, moment, adapt)[0]
        due_iso = _stored(row, "due_at", adapt)[1]
        values.append(
            (
                event_type,
                subject_type,
                row["id"],
                None,
                acting.source,
                occurred,
                payload_text(row, due_iso),
            )
        )
    table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(_EVENT_COLS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        after = int(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(_EVENT_COLS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
        cursor.execute(
            f"SELECT id, subject_id FROM {table} WHERE id > %s AND type = %s",  # noqa: S608
            [after, event_type],
        )
        ours = {row["id"] for row in rows}
        ids = [pk for pk, subject in cursor.fetchall() if subject in ours]
    events.deliveries_for_bulk(ids, event_type)


def _run_steps(
    runs: dict[int, list[tuple[datetime, int, EscalationStep]]], *, now: datetime
) -> int:
    done = 0
    obligations = Obligation.objects.select_related(
        "deliverable", "agreement", "term", "version"
    ).in_bulk(list(runs))
    for ob_id, planned in runs.items():
        obligation = obligations.get(ob_id)
        if obligation is None:
            continue
        for due, _order, step in planned:
            if obligation.status not in projection.OPEN_STATUSES:
                break  # e.g. an earlier step counted it as fulfilled
            try:
                with transaction.atomic():
                    outcome = consequences.apply_step(obligation=obligation, step=step, now=now)
            except Exception as exc:  # one broken action must not stop the clock
                log.exception("escalation step %s failed on obligation %s", step.pk, ob_id)
                outcome = [
                    {"action": a, "done": False, "note": f"{type(exc).__name__}: {exc}"[:500]}
                    for a in step.actions
                ]
            EscalationRun.objects.bulk_create(
                [
                    EscalationRun(
                        obligation=obligation, step=step, due_at=due, ran_at=now, outcome=outcome
                    )
                ],
                ignore_conflicts=True,
            )
            done += 1
    return done
