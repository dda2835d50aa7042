"""What-if across interpretations: which findings would change under another reading.

Every rule set rests on readings of open text (`interpretations`), each with the
alternatives the text allows. `sensitivity` evaluates the events once as the
rule set reads them, then once per alternative of each interpretation that a
finding can depend on, and reports the findings that appear or disappear.

Which interpretations a finding can depend on is decided without evaluating:
an interpretation's path names the rule it sets (`obligations.<id>...`,
`broadcast.rules.<id>...`, `constraints.<id>...`, `languages.policies.<id>...`;
a deadline policy or a language group through the rules that use it, as
`quyche.explain` shows them). It matters when one of those rules is in play:
a finding cites it, or the events can reach it (a recurring duty always; a
triggered duty when an event of its trigger's type occurs; broadcast rules when
there is a site; event checks when there are events). A path that names no
rule (actors' groups, sites, categories, broadcast-wide settings) may touch
anything and is always evaluated. The rest are skipped, with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from .._load import RuleSetLike, as_rule_set, override
from ..errors import EvaluationError, InterpretationError, QuycheError
from ..evaluation.engine import evaluate
from ..events import When
from ..model import BackupRetentionConstraint, BroadcastRule, Interpretation, Obligation, RuleSet
from ..output import Output
from ..render import cite as cite_text
from ..report import Citation, ObligationStatus, Report, Violation
from .citations import citation
from .explain import relied_on, rule_path

__all__ = ["AlternativeOutcome", "FindingChange", "InterpretationSensitivity", "Sensitivity",
           "compare_findings", "dependent_interpretations", "sensitivity", "sensitivity_lines"]

_RULE_PREFIXES = ("obligations.", "broadcast.rules.", "constraints.", "languages.policies.",
                  "languages.groups.", "policies.")


class FindingChange(Output):
    """A finding that appears or disappears under an alternative reading."""

    change: Literal["appeared", "disappeared", "moved"] = Field(
        ..., description="moved: the same duty with the same status (or the same missed "
        "duty), due at another instant")
    finding: Literal["obligation", "violation"]
    rule_id: str
    kind: str = Field(..., description="the obligation's status or the violation's kind")
    actor: str | None = None
    site: str | None = None
    period: str | None = None
    when: str = Field(..., description="the obligation's due instant or the violation's when")
    was: str | None = Field(None, description="a moved finding's instant before")
    trigger: str | None = None
    owed_to: list[str] = []
    events: list[str] = Field([], description="the events a violation names")
    source: Citation


class AlternativeOutcome(Output):
    """The findings under one alternative, against the rule set's own reading."""

    value: Any
    appeared: int = 0
    disappeared: int = 0
    moved: int = 0
    changes: list[FindingChange] = []
    error: str | None = Field(None, description="why the alternative could not be evaluated")


class InterpretationSensitivity(Output):
    """One interpretation, the rules of the findings that depend on it, and each alternative."""

    id: str
    path: str
    question: str
    reading: str
    value: Any
    source: Citation | None = Field(None, description="the clause the reading is of")
    rules: list[str] = Field([], description="rules in play that it sets ([]: its path names "
                             "no rule, so it may set any)")
    alternatives: list[AlternativeOutcome]

    @property
    def changed(self) -> bool:
        return any(a.changes for a in self.alternatives)


class Sensitivity(Output):
    """What `quyche.sensitivity` returns."""

    rule_set: str
    as_of: dt.datetime
    since: dt.datetime
    evaluations: int = Field(..., description="evaluations run, the rule set's own included")
    interpretations: list[InterpretationSensitivity]
    skipped: dict[str, str] = Field({}, description="interpretation id -> why no finding "
                                    "depends on it")

    _baseline: Report | None = PrivateAttr(None)

    @property
    def baseline(self) -> Report:
        """The report under the rule set's own readings (held by the result `sensitivity`
        returned, not by one read back from JSON)."""
        if self._baseline is None:
            raise EvaluationError("the baseline report is held only by the result "
                                  "sensitivity() returned in this process")
        return self._baseline

    def changed(self) -> list[InterpretationSensitivity]:
        """The interpretations some alternative of which changes a finding."""
        return [i for i in self.interpretations if i.changed]


# --------------------------------------------------------------------------- dependencies


def _links(rs: RuleSet) -> dict[str, set[str] | None]:
    """Interpretation id -> the rules it sets; None when that is not known (its path
    names no rule, or names a policy or group no rule is known to use)."""
    links: dict[str, set[str] | None] = {
        i.id: (set() if i.path.startswith(_RULE_PREFIXES) else None) for i in rs.interpretations}
    for rule_id in rs.rule_ids():
        for interp_id in relied_on(rs, rule_id):
            found = links.get(interp_id)
            if found is not None:
                found.add(rule_id)
    for interp in rs.interpretations:
        if interp.path.startswith("broadcast.") and not interp.path.startswith("broadcast.rules."):
            links[interp.id] = {r.id for r in rs.broadcast.rules}
        elif links[interp.id] == set():
            # a policy or group no rule is known to use: not proof that none does
            links[interp.id] = None
    return links


def _event_type(event: Any) -> Any:
    return event.get("type") if isinstance(event, Mapping) else getattr(event, "type", None)


def _in_play(rs: RuleSet, report: Report, events: list[Any], sites: list[Any] | None
             ) -> dict[str, str]:
    """Rule id -> why the events reach it (rules not reached are left out)."""
    cited = {i.rule_id for i in _findings_of(report)}
    types = {_event_type(e) for e in events}
    any_site = bool(rs.sites or sites)
    reached: dict[str, str] = {}
    for rule_id in rs.rule_ids():
        _path, rule = rule_path(rs, rule_id)
        why = None
        if rule_id in cited:
            why = "a finding cites it"
        elif isinstance(rule, Obligation):
            if rule.trigger is None:
                why = "a recurring duty"
            elif rule.trigger.event in types:
                why = f"an event of type {rule.trigger.event}"
        elif isinstance(rule, BroadcastRule):
            if any_site:
                why = "there are sites"
        elif isinstance(rule, BackupRetentionConstraint):
            if types & {"backup", "backup_deleted"}:
                why = "there are backups"
        elif events:
            why = "there are events"
        if why:
            reached[rule_id] = why
    return reached


def dependent_interpretations(rs: RuleSet, report: Report, events: list[Any],
                              sites: list[Any] | None = None
                              ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The interpretations a finding of `report` (or of an alternative reading) can depend
    on, each with the rules in play it sets ([] when its path names no rule), and the
    others with why they are skipped. Nothing is evaluated."""
    links = _links(rs)
    reached = _in_play(rs, report, events, sites)
    depended: dict[str, list[str]] = {}
    skipped: dict[str, str] = {}
    for interp in rs.interpretations:
        rules = links[interp.id]
        if not _alternatives(interp):
            skipped[interp.id] = "it declares no alternative"
        elif rules is None:
            depended[interp.id] = []
        elif not rules & set(reached):
            skipped[interp.id] = ("no finding depends on it: the rules it sets "
                                  f"({', '.join(sorted(rules)) or 'none'}) are not reached "
                                  "by these events")
        else:
            depended[interp.id] = sorted(rules & set(reached))
    return depended, skipped


# --------------------------------------------------------------------------- findings


def _findings(report: Report) -> Counter[tuple[Any, ...]]:
    keys: Counter[tuple[Any, ...]] = Counter()
    for ob in report.obligations:
        keys[_key(ob)] += 1
    for v in report.violations:
        keys[_key(v)] += 1
    return keys


def _key(item: ObligationStatus | Violation) -> tuple[Any, ...]:
    if isinstance(item, ObligationStatus):
        return ("obligation", item.rule_id, item.status, item.actor, tuple(item.owed_to),
                item.period, item.due.isoformat(), item.trigger, item.fulfilled_by)
    return ("violation", item.rule_id, item.kind, item.actor, item.site, item.period, item.when,
            None, tuple(item.events))


def _findings_of(report: Report) -> list[ObligationStatus | Violation]:
    return [*report.obligations, *report.violations]


def _by_key(report: Report) -> dict[tuple[Any, ...], ObligationStatus | Violation]:
    return {_key(i): i for i in _findings_of(report)}


def _change(change: Literal["appeared", "disappeared"], item: ObligationStatus | Violation
            ) -> FindingChange:
    if isinstance(item, ObligationStatus):
        return FindingChange(change=change, finding="obligation", rule_id=item.rule_id,
                             kind=item.status, actor=item.actor, period=item.period,
                             when=item.due.isoformat(), trigger=item.trigger,
                             owed_to=list(item.owed_to), source=item.source)
    return FindingChange(change=change, finding="violation", rule_id=item.rule_id,
                         kind=item.kind, actor=item.actor, site=item.site, period=item.period,
                         when=item.when, events=list(item.events), source=item.source)


def compare_findings(before: Report, after: Report) -> list[FindingChange]:
    """Findings of `after` not in `before` (appeared), of `before` not in `after`
    (disappeared), and duties of both with the same status due at another instant (moved)."""
    old, new = _findings(before), _findings(after)
    old_items, new_items = _by_key(before), _by_key(after)
    gone = [_change("disappeared", old_items[k]) for k in sorted(old - new, key=repr)
            for _ in range((old - new)[k])]
    came = [_change("appeared", new_items[k]) for k in sorted(new - old, key=repr)
            for _ in range((new - old)[k])]
    out = []
    for change in gone:
        ident = _duty(change)
        twin = next((c for c in came if ident is not None and _duty(c) == ident), None)
        if twin is None:
            out.append(change)
        else:
            came.remove(twin)
            out.append(twin.model_copy(update={"change": "moved", "was": change.when}))
    out += came
    # a finding that changed reads as its old form, then its new one
    return sorted(out, key=lambda c: (c.finding, c.rule_id, c.actor or "", c.site or "",
                                      c.trigger or "", c.period or "",
                                      c.change == "appeared", c.when))


def _duty(change: FindingChange) -> tuple[Any, ...] | None:
    """What a duty's finding is, whenever it is due: None for findings tied to their instant
    (a day's broadcast, a late fulfilment, an event's content)."""
    if change.finding == "obligation":
        return (change.finding, change.rule_id, change.kind, change.actor,
                tuple(change.owed_to), change.period, change.trigger)
    if change.kind == "missed":  # its `when` is the duty's due instant
        return (change.finding, change.rule_id, change.kind, change.actor, change.site,
                change.period, tuple(change.events))
    return None


# --------------------------------------------------------------------------- entry point


def _alternatives(interp: Interpretation) -> list[Any]:
    """The other readings: declared alternatives and, when overridden, the text's own."""
    values = ([interp.text_value] if interp.overridden else []) + list(interp.alternatives)
    out: list[Any] = []
    for value in values:
        if value != interp.value and value not in out:
            out.append(value)
    return out


def _outcome(rs: RuleSet, base: Report, interp_id: str, value: Any,
             rerun: Callable[[RuleSet], Report]) -> tuple[AlternativeOutcome, int]:
    """The findings under one alternative against the baseline, and the evaluations it
    cost (none when the override does not load)."""
    try:
        changed_rs = override(rs, {interp_id: value})
    except InterpretationError as exc:
        return AlternativeOutcome(value=value, error=str(exc)), 0
    try:
        report = rerun(changed_rs)
    except QuycheError as exc:  # e.g. a date the calendar does not cover
        return AlternativeOutcome(value=value, error=str(exc)), 1
    changes = compare_findings(base, report)
    return AlternativeOutcome(
        value=value, changes=changes,
        appeared=sum(c.change == "appeared" for c in changes),
        disappeared=sum(c.change == "disappeared" for c in changes),
        moved=sum(c.change == "moved" for c in changes)), 1


def sensitivity(rule_set: RuleSetLike, events: Iterable[Any], as_of: When,
                since: When | None = None,
                sites: Iterable[Mapping[str, Any]] | None = None,
                actors: Mapping[str, Iterable[str]] | None = None,
                only: Iterable[str] | None = None,
                successions: Iterable[Any] | None = None) -> Sensitivity:
    """Which findings appear or disappear under each alternative reading that a finding
    depends on. `events` is read once (an iterator will do); `only` limits the question
    to some interpretation ids; the other arguments are `evaluate`'s. Costs one
    evaluation, plus one per alternative of each interpretation in question."""
    rs = as_rule_set(rule_set)
    events = list(events)
    sites = list(sites) if sites is not None else None
    by_id = {i.id: i for i in rs.interpretations}
    wanted = list(only) if only is not None else list(by_id)
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise InterpretationError(
            f"{rs.id}: no interpretation {', '.join(map(repr, unknown))}; declared: "
            f"{', '.join(sorted(by_id)) or 'none'}")
    successions = list(successions) if successions is not None else None
    base = evaluate(rs, events, as_of=as_of, since=since, sites=sites, actors=actors,
                    successions=successions)
    depended, skipped = dependent_interpretations(rs, base, events, sites)
    results: list[InterpretationSensitivity] = []
    skipped = {k: v for k, v in skipped.items() if k in wanted}
    evaluations = 1

    def rerun(changed: RuleSet) -> Report:
        return evaluate(changed, events, as_of=as_of, since=since, sites=sites, actors=actors,
                        successions=successions)

    for interp_id in wanted:
        if interp_id not in depended:
            continue
        interp = by_id[interp_id]
        rules = depended[interp_id]
        outcomes = []
        for value in _alternatives(interp):
            outcome, cost = _outcome(rs, base, interp_id, value, rerun)
            outcomes.append(outcome)
            evaluations += cost
        results.append(InterpretationSensitivity(
            id=interp.id, path=interp.path, question=interp.question, reading=interp.reading,
            value=interp.value, source=citation(rs, interp.source),
            rules=sorted(rules), alternatives=outcomes))
    found = Sensitivity(rule_set=rs.id, as_of=base.as_of, since=base.since,
                        evaluations=evaluations, interpretations=results, skipped=skipped)
    found._baseline = base
    return found


def sensitivity_lines(result: Sensitivity, limit: int = 10) -> list[str]:
    """The result in words, for a terminal: changed readings first, each change listed."""
    lines = [f"{result.rule_set}: {len(result.interpretations)} interpretations a finding "
             f"depends on ({len(result.changed())} of them change findings), "
             f"{len(result.skipped)} skipped; {result.evaluations} evaluations"]
    ordered = sorted(result.interpretations, key=lambda i: not i.changed)
    for interp in ordered:
        where = f" ({cite_text(interp.source)})" if interp.source else ""
        lines.append("")
        lines.append(f"{interp.id}{where}: {interp.question}")
        lines.append(f"  reading: {json.dumps(interp.value, ensure_ascii=False)} — "
                     f"{interp.reading}")
        for alt in interp.alternatives:
            value = json.dumps(alt.value, ensure_ascii=False)
            if alt.error:
                lines.append(f"  alternative {value}: not evaluable: {alt.error}")
                continue
            moved = f", {alt.moved} due at another time" if alt.moved else ""
            lines.append(f"  alternative {value}: +{alt.appeared} −{alt.disappeared} "
                         f"findings{moved}")
            for change in alt.changes[:limit]:
                sign = {"appeared": "+", "disappeared": "−", "moved": "~"}[change.change]
                who = change.actor or change.site or ""
                if change.owed_to:
                    who += " → " + ", ".join(change.owed_to)
                when = f"{change.was} → {change.when}" if change.was else change.when
                lines.append(f"    {sign} {change.finding} {change.rule_id} {change.kind} "
                             f"{who} {change.period or ''} {when} "
                             f"({cite_text(change.source)})".replace("  ", " "))
            if len(alt.changes) > limit:
                lines.append(f"    … {len(alt.changes) - limit} more")
    if result.skipped:
        lines.append("")
        lines.append("skipped:")
        lines += [f"  {k}: {v}" for k, v in result.skipped.items()]
    return lines
