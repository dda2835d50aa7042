"""From a ledger to the report: every duty with its status, every violation, sorted.

Each rule kind computes its own part (`kinds`); this module puts them together in a
fixed order, adds the warnings that belong to no one kind, and sorts everything on
every field, so that equal-looking findings never keep the input's order.
"""

from __future__ import annotations

from collections import Counter
from operator import attrgetter

from ..report import ObligationStatus, Report, Summary, Violation
from ..successions import succession_warnings, territory_notes
from ..time.deadlines import local_date
from .context import Context
from .kinds.broadcast import emergency_warning
from .kinds.broadcast_days import daily_checks
from .kinds.recurring import recurring_statuses
from .kinds.retention import retention_checks
from .kinds.triggered import triggered_statuses
from .kinds.updates import update_checks
from .ledger import Ledger

__all__ = ["finalize"]


def finalize(ctx: Context, ledger: Ledger) -> Report:
    """The report of a ledger: every duty with its status, every violation, sorted."""
    warnings = _unowned_sites(ctx)
    violations: list[Violation] = list(ledger.findings)
    obligations = recurring_statuses(ctx, ledger, violations, warnings)
    obligations += triggered_statuses(ctx, ledger, violations, warnings)
    warnings += _general_warnings(ctx, ledger, obligations)
    violations.extend(daily_checks(ctx, ledger))
    violations.extend(retention_checks(ctx, ledger, warnings))
    violations.extend(update_checks(ctx, ledger.updates))
    for ident, kind, to in ledger.idle_requests:
        warnings.append(f"{ident}: a request for {kind} to {to!r} raises no duty of "
                        f"{ctx.rule_set.id}: no duty of {to!r} answers such a request here "
                        "(a group member? pass actors=)")
    report = _report(ctx, ledger, obligations, violations, warnings)
    report._ledger = ledger
    report._context = ctx
    return report


def _unowned_sites(ctx: Context) -> list[str]:
    """A site without an operator: no one owes or is owed its operator's duties."""
    rs = ctx.rule_set
    roles = {a.id for a in rs.actors if a.kind == "role"}
    warnings = []
    for site in sorted(ctx.sites.values(), key=lambda s: s.id):
        unowned = [ob.id for ob in rs.obligations if site.operator is None
                   and roles & {*ob.owed_by, *ob.owed_to}
                   and (ob.site_kinds is None or site.kind in ob.site_kinds)]
        if unowned:
            warnings.append(f"site {site.id} names no operator, so no one owes or is owed its "
                            f"operator's duties ({', '.join(unowned)}); give the site an "
                            "'operator'")
    return warnings


def _general_warnings(ctx: Context, ledger: Ledger, obligations: list[ObligationStatus]
                      ) -> list[str]:
    """Reused ids, successions, territories, the instrument's status, emergencies."""
    rs = ctx.rule_set
    warnings = []
    reused = ledger.duplicate_ids | (ledger.trigger_ids & ledger.backups.keys())
    for ident in sorted(reused):
        warnings.append(f"{ident}: the id of more than one event; events that name it "
                        "(answers, deletions) cannot say which one they mean")
    warnings.extend(succession_warnings(obligations))
    warnings.extend(f"{rs.id}: {note}" for note in territory_notes(rs, local_date(ctx.as_of)))
    if rs.instrument.status != "in_force":
        warnings.append(f"{rs.id}: the instrument's status is {rs.instrument.status!r}, "
                        "not in force; the findings show what it would require")
    emergencies = emergency_warning(ctx, ledger)
    if emergencies is not None:
        warnings.append(emergencies)
    return warnings


def _report(ctx: Context, ledger: Ledger, obligations: list[ObligationStatus],
            violations: list[Violation], warnings: list[str]) -> Report:
    # A total order on every field, so equal-looking findings never keep the input's order.
    obligations.sort(key=lambda o: (o.due, o.rule_id, o.actor, o.period or "", o.trigger or "",
                                    o.fulfilled_at or o.due, o.fulfilled_by or "", o.status))
    violations = _sorted_violations(violations)
    rejected = sorted(ledger.rejected, key=lambda r: (r.index, r.id or "", r.reason))
    by_status: dict[str, int] = {s: 0 for s in ("open", "met", "late", "missed")}
    for o in obligations:
        by_status[o.status] += 1
    by_kind = Counter(map(_KIND, violations))
    return Report(
        rule_set=ctx.rule_set.id, as_of=ctx.as_of, since=ctx.since, obligations=obligations,
        violations=violations, rejected=rejected, warnings=sorted(warnings),
        summary=Summary(events_read=ledger.read, events_applied=ledger.applied,
                        events_rejected=len(ledger.rejected), obligations_by_status=by_status,
                        violations_by_kind=dict(sorted(by_kind.items()))),
    )


_KIND = attrgetter("kind")

#: The order of violations, on the fields as they are: thousands of keys made in C.
_VIOLATION_ORDER = attrgetter("when", "rule_id", "kind", "site", "actor", "period", "events",
                              "message")


def _sorted_violations(violations: list[Violation]) -> list[Violation]:
    """Violations in a total order on every field, an absent one read as "".

    The keys are first taken as they are (by `attrgetter`, in C): comparing None
    with None goes on to the next field, as "" with "" does, and comparing None with a
    string raises rather than orders, so a sort that finishes made every decision as
    the keys with "" would have. One that raises is made again with those keys.
    """
    try:
        return sorted(violations, key=_VIOLATION_ORDER)
    except TypeError:
        return sorted(violations, key=lambda v: (v.when, v.rule_id, v.kind, v.site or "",
                                                 v.actor or "", v.period or "",
                                                 tuple(v.events), v.message))
