"""Daily updates: each site of some kinds gets new content on each day of some kinds.

"cập nhật thông tin ... vào các ngày làm việc trong tuần": a `daily_update` constraint
names the site kinds and the kinds of day; a registered site with no `content_published`
on such a day (once the day has ended by `as_of`, from `since`) is a `no_update` finding,
like a silent day of broadcasting. The reader keeps only (site, day) pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ...report import Violation
from ...time.deadlines import LOCAL
from .broadcast_days import DAY_KIND_VI

__all__ = ["update_checks", "update_rules"]

_EPOCH = dt.date(1970, 1, 1)


def update_rules(rule_set: Any) -> list[Any]:
    """The rule set's daily_update constraints that owe an update on some kind of day."""
    return [c for c in rule_set.constraints if c.kind == "daily_update" and c.day_kinds]


def update_checks(ctx: Any, updated: Iterable[tuple[str, int]]) -> list[Violation]:
    """A `no_update` finding per registered site, rule and owed day without new content.

    `updated` holds (site id, local day since 1970-01-01) of every content_published at a
    site.
    """
    rules = update_rules(ctx.rule_set)
    if not rules:
        return []
    seen = set(updated)
    first = ctx.since.astimezone(LOCAL).date()
    last = ctx.as_of.astimezone(LOCAL).date() - dt.timedelta(days=1)  # the last ended day
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    kinds = {day: ctx.calendar.kind_of(day) for day in days}
    out: list[Violation] = []
    for rule in rules:
        citation = ctx.cite(rule.source)
        declared = ctx.rule_set.actor(rule.owed_by) if rule.owed_by else None
        for site in sorted(ctx.sites.values(), key=lambda s: s.id):
            if rule.site_kinds is not None and site.kind not in rule.site_kinds:
                continue
            actor = site.operator if declared is not None and declared.kind == "role" \
                else rule.owed_by
            for day in days:
                kind = kinds[day]
                if kind not in rule.day_kinds or (site.id, (day - _EPOCH).days) in seen:
                    continue
                out.append(Violation(
                    rule_id=rule.id, kind="no_update", actor=actor, site=site.id,
                    when=day.isoformat(), source=citation,
                    message=f"Không cập nhật thông tin nào trong {DAY_KIND_VI[kind]}",
                    message_en=f"No new content on this {kind.replace('_', ' ')}"))
    return out
