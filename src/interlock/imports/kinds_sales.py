"""Importing deals through the sales services, row by row (each in a savepoint).

A deal is matched to an existing one by its account and title (deals carry no
external id), so importing the same file twice changes nothing the second
time. The stage is found by name in the default pipeline, through saved
aliases and the usual spellings of won and lost ("Closed Won", "Gewonnen" …).
The summary shows the won revenue per currency and the win rate
won / (won + lost) of the imported rows.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.imports import values as v
from interlock.imports.models import ValueAlias
from interlock.imports.records import Options, Progress, Record, Report
from interlock.imports.resolve import Accounts, Owners, aliases, service_message
from interlock.sales import services
from interlock.sales.models import Deal, LostReason, Pipeline, Stage

WON_SPELLINGS = {"won", "closed won", "closedwon", "gewonnen", "abgeschlossen gewonnen"}
LOST_SPELLINGS = {"lost", "closed lost", "closedlost", "verloren", "abgeschlossen verloren"}


class Stages:
    def __init__(self, pipeline: Pipeline, report: Report) -> None:
        self.report = report
        self.stages = list(pipeline.stages.all())
        self.by_name = {v.norm(s.name): s for s in self.stages}
        self.alias = aliases(ValueAlias.Field.STAGE)
        self.kind_first: dict[str, Stage] = {}
        for stage in self.stages:
            self.kind_first.setdefault(stage.kind, stage)

    def get(self, text: str) -> Stage | None:
        key = v.norm(text)
        if key in self.by_name:
            return self.by_name[key]
        means = self.alias.get(key)
        if means is not None and v.norm(means) in self.by_name:
            self.report.alias_used("stage", text, means)
            return self.by_name[v.norm(means)]
        kind = "won" if key in WON_SPELLINGS else "lost" if key in LOST_SPELLINGS else ""
        if kind and kind in self.kind_first:
            stage = self.kind_first[kind]
            self.report.alias_used("stage", text, stage.name)
            return stage
        return None


def _reasons() -> dict[str, LostReason]:
    return {v.norm(r.name): r for r in LostReason.objects.filter(active=True)}


def import_deals(
    actor: Any, records: list[Record], options: Options, report: Report, tick: Progress
) -> None:
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
    if pipeline is None:
        for record in records:
            report.problem(
                record.row,
                "stage",
                record.values.get("stage", ""),
                _("There is no pipeline yet; an admin must set one up."),
            )
        return
    stages = Stages(pipeline, report)
    reasons = _reasons()
    reason_alias = aliases(ValueAlias.Field.LOST_REASON)
    owners = Owners(actor, options, report)
    accounts = Accounts(records, options, report)
    plans: dict[int, dict[str, Any]] = {}
    by_number = {r.row: r for r in records}
    for record in records:
        plan = _plan(record, report, stages, reasons, reason_alias, options)
        if plan is None:
            continue
        account = accounts.get(record)
        if account is None:
            report.problem(
                record.row,
                "account_name",
                "",
                _("A deal needs an account: map the account's name or external id."),
            )
            continue
        if account is not False:
            plan["account_id"] = account
        owner = owners.get(record)
        if owner is not None and owner is not False:
            plan["owner_id"] = owner
        plans[record.row] = plan
    accounts.settle(plans)
    owners.settle(plans)
    won = lost = still_open = 0
    revenue: dict[str, Decimal] = {}
    total = len(records)
    for done, number in enumerate(sorted(plans), start=1):
        plan = plans[number]
        try:
            with transaction.atomic():
                outcome = _apply(actor, pipeline, plan)
        except ValidationError as exc:
            for name, message in service_message(exc):
                field = {
                    "title": "title",
                    "amount": "amount",
                    "currency": "currency",
                    "expected_close_date": "close_date",
                }.get(name, "stage" if name else "")
                report.problem(number, field, by_number[number].values.get(field, ""), message)
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if plan["stage"].kind == Stage.Kind.WON:
            won += 1
            revenue[plan["currency"]] = revenue.get(plan["currency"], Decimal(0)) + plan["amount"]
        elif plan["stage"].kind == Stage.Kind.LOST:
            lost += 1
        else:
            still_open += 1
        if done % 200 == 0:
            tick(done, total)
    report.summary = {
        "won": won,
        "lost": lost,
        "open": still_open,
        "won_revenue": {code: str(amount) for code, amount in sorted(revenue.items())},
        "win_rate": round(won / (won + lost), 4) if won + lost else None,
    }


def _plan(
    record: Record,
    report: Report,
    stages: Stages,
    reasons: dict[str, LostReason],
    reason_alias: dict[str, str],
    options: Options,
) -> dict[str, Any] | None:
    values = record.values
    title = values.get("title", "")
    if not title:
        report.problem(record.row, "title", "", _("Give the deal a name."))
        return None
    stage = stages.get(values.get("stage", "")) if values.get("stage") else None
    if "won" in values:
        try:
            if v.parse_bool(values["won"]):
                stage = stages.kind_first.get(Stage.Kind.WON, stage)
        except ValueError as exc:
            report.problem(record.row, "won", values["won"], str(exc))
            return None
    if stage is None:
        report.problem(
            record.row,
            "stage",
            values.get("stage", ""),
            _("No stage of the pipeline is called so. Add an alias for this spelling."),
        )
        return None
    amount, currency = Decimal(0), ""
    try:
        if "amount" in values:
            amount, currency = v.parse_amount(values["amount"])
        close = v.parse_date(values["close_date"]) if "close_date" in values else None
        created = v.parse_datetime(values["created_at"]) if "created_at" in values else None
    except ValueError as exc:
        name = next(
            (n for n in ("amount", "close_date", "created_at") if values.get(n, "") in str(exc)),
            "amount",
        )
        report.problem(record.row, name, values.get(name, ""), str(exc))
        return None
    currency = (values.get("currency") or currency or "EUR").strip().upper()
    reason = None
    if stage.kind == Stage.Kind.LOST:
        text = values.get("lost_reason") or options.lost_reason
        key = v.norm(reason_alias.get(v.norm(text), text)) if text else ""
        reason = reasons.get(key)
        if reason is None:
            report.problem(
                record.row,
                "lost_reason",
                text,
                _(
                    "A lost deal needs an active lost reason: map the column, add an alias, or "
                    "name a default reason."
                ),
            )
            return None
    return {
        "title": title[:200],
        "stage": stage,
        "amount": amount,
        "currency": currency,
        "close": close,
        "created": created,
        "reason": reason,
    }


def _moment(day: Any) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(12)))


def _apply(actor: Any, pipeline: Pipeline, plan: dict[str, Any]) -> str:
    """Create or update one deal; returns "created", "updated" or "unchanged"."""
    from interlock.customers.models import Account
    from interlock.org.models import User

    account = Account.objects.get(pk=plan["account_id"])
    owner = User.objects.get(pk=plan["owner_id"]) if plan.get("owner_id") else None
    existing = Deal.objects.filter(account=account, title=plan["title"]).order_by("pk").first()
    stage: Stage = plan["stage"]
    when = _moment(plan["close"])
    if existing is None:
        deal = services.deal_create(
            actor=actor,
            title=plan["title"],
            account=account,
            owner=owner,
            pipeline=pipeline,
            amount=plan["amount"],
            currency=plan["currency"],
            expected_close_date=plan["close"],
            at=plan["created"],
        )
        outcome = "created"
    else:
        deal = existing
        fields: dict[str, Any] = {
            "amount": plan["amount"],
            "currency": plan["currency"],
            "expected_close_date": plan["close"],
        }
        if owner is not None:
            fields["owner"] = owner
        changed = {k: val for k, val in fields.items() if getattr(deal, k) != val}
        if changed:
            services.deal_update(actor=actor, deal=deal, **changed)
        outcome = "updated" if changed else "unchanged"
        if deal.stage_id == stage.pk:
            return outcome
        outcome = "updated"
    if stage.kind == Stage.Kind.WON:
        services.deal_win(actor=actor, deal=deal, stage=stage, at=when)
    elif stage.kind == Stage.Kind.LOST:
        services.deal_lose(actor=actor, deal=deal, reason=plan["reason"], at=when)
    elif deal.stage_id != stage.pk:
        services.deal_move_stage(actor=actor, deal=deal, stage=stage)
    return outcome
