"""Backup retention: a backup deleted before the end of its retention period.

Intake keeps every backup under its id (also what discharges a recurring backup duty,
see `recurring`) and every deletion; the check pairs them at the end, so a deletion
read before its backup is judged the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...report import Violation
from ...time.deadlines import retained_until
from ...time.instants import local
from ..context import Context
from ..ledger import Backup, Deletion, Ledger, first_backup
from ..validity import check_at, check_site

__all__ = ["on_backup", "on_backup_deleted", "retention_checks"]


def on_backup(ctx: Context, ledger: Ledger, ev: Any) -> None:
    """The intake hook of `backup`: kept under its id (the earliest, if two share one)."""
    ts = ev.at.timestamp()
    if ts > ctx.as_of_ts:
        check_at(ctx, ev.at)  # refused: says why
    site = ev.site
    if site is not None and site not in ctx.sites:
        check_site(ctx, site)  # refused: says why
    # Without an id, a backup is known by what it is, the same in any partition.
    key = ev.id or f"#backup@{ev.at.isoformat()}/{site or ''}/{ev.actor or ''}"
    backup, seen = Backup(ts, site, ev.actor), ledger.backups.get(key)
    if seen is not None and seen != backup:
        ledger.duplicate_ids.add(key)
        backup = first_backup(seen, backup)
    ledger.backups[key] = backup

def on_backup_deleted(ctx: Context, ledger: Ledger, ev: Any) -> None:
    ts = check_at(ctx, ev.at)
    ledger.deletions.append(Deletion(ts, ev.backup, ev.id or ""))


def retention_checks(ctx: Context, ledger: Ledger, warnings: list[str]) -> list[Violation]:
    rules = [c for c in ctx.rule_set.constraints if c.kind == "backup_retention"]
    out: list[Violation] = []
    for ts, backup_id, ident in sorted(ledger.deletions):
        backup = ledger.backups.get(backup_id)
        if backup is None:
            warnings.append(f"backup_deleted {ident or '(no id)'} names backup {backup_id!r}, "
                            "which no event recorded")
            continue
        taken, site, actor = backup
        kind = ctx.site_kind(site)
        for rule in rules:
            if rule.site_kinds is not None and kind is not None and kind not in rule.site_kinds:
                continue  # a backup of no known kind of site is held to every retention rule
            roll = ctx.rule_set.policies.roll_forward_retention
            keep_until = retained_until(local(taken), rule.retention,
                                        bool(roll and roll.value), ctx.calendar)
            if ts < keep_until.timestamp() and ts >= ctx.since_ts:
                if rule.retention.hours:
                    until_vi = until_en = local(keep_until.timestamp()).isoformat()
                else:
                    last = (keep_until - dt.timedelta(days=1)).date().isoformat()
                    until_vi, until_en = f"đến hết ngày {last}", f"to the end of {last}"
                out.append(Violation(
                    rule_id=rule.id, kind="backup_retention", actor=actor, site=site,
                    when=local(ts).isoformat(),
                    message=f"Bản sao lưu {backup_id} bị xoá khi chưa hết thời hạn lưu giữ "
                            f"({until_vi})",
                    message_en=f"Backup {backup_id} deleted before the end of its retention "
                               f"period ({until_en})",
                    source=ctx.cite(rule.source), events=[e for e in (backup_id, ident) if e]))
    return out
