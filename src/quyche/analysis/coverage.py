"""Clause coverage: which articles, clauses and points of the text a suite or a log exercised.

A rule set's findings cite the clause they apply (`Citation`). A clause is
*encoded* when a rule that can produce findings cites it (an obligation or one
of its deadline exceptions, a broadcast rule, a constraint, a language policy
read as a limit). It is *exercised* when a finding citing it was produced (by a
scenario or by a real log), or when a scenario asserted something of a rule
citing it (an expected, absent or counted finding of that rule). The rule set's
`coverage:` section lists the clauses it marks *not machine-evaluable* and the
ones that are *informative* (no duty of their own, or encoded elsewhere).

The figure is exercised / encoded, per rule set. Clauses are compared as the
text numbers them: document, article, clause, point; a finding citing
Điều 8 khoản 2 does not exercise Điều 8 khoản 2 điểm a.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field

from ..model import RuleSet, Source
from ..output import Output
from ..render import Table, cite
from ..report import Report

__all__ = ["ClauseUse", "Coverage", "coverage", "coverage_tables", "encoded_clauses"]

Key = tuple[str, Any, Any, Any]
State = Literal["exercised", "not_exercised", "not_evaluable", "informative"]


def _key(source: Any) -> Key:
    return (source.document, source.article, source.clause, source.point)


def _order(key: Key) -> tuple[Any, ...]:
    doc, article, clause, point = key
    return ({"decision": 0, "regulation": 1, "annex": 2}.get(doc, 3), article or 0,
            clause or 0, point or "")


class ClauseUse(Output):
    """One clause of the text and where coverage puts it."""

    clause: str = Field(..., description="as the text numbers it: Điều 8 khoản 2 điểm a")
    document: str
    article: int | None
    clause_number: int | None = None
    point: str | None = None
    state: State
    asserted: bool = Field(False, description="a scenario's expectations name a rule citing it")
    rules: list[str] = Field([], description="the rules citing it (encoded clauses)")
    reason: str | None = Field(None, description="the rule set's reason (coverage section)")


class Coverage(Output):
    """Clause coverage of one rule set."""

    rule_set: str
    encoded: int = Field(..., description="clauses a rule that can produce findings cites")
    exercised: int
    asserted: int = Field(..., description="encoded clauses a scenario asserted")
    figure: float = Field(..., description="exercised / encoded, 0..1 (1 when none encoded)")
    clauses: list[ClauseUse]

    def of(self, state: State) -> list[ClauseUse]:
        return [c for c in self.clauses if c.state == state]


def encoded_clauses(rule_set: RuleSet) -> dict[Key, list[str]]:
    """The clauses findings of this rule set can cite, with the rules citing each."""
    found: dict[Key, list[str]] = {}

    def note(source: Source, rule_id: str) -> None:
        rules = found.setdefault(_key(source), [])
        if rule_id not in rules:
            rules.append(rule_id)

    for ob in rule_set.obligations:
        note(ob.source, ob.id)
        for exception in ob.exceptions:
            note(exception.source, ob.id)
    for rule in rule_set.broadcast.rules:
        note(rule.source, rule.id)
    for constraint in rule_set.constraints:
        note(constraint.source, constraint.id)
    for policy in rule_set.languages.policies:
        if policy.mode == "limit":
            note(policy.source, policy.id)
    return found


def _label(key: Key) -> str:
    doc, article, clause, point = key
    return cite(Source(document=doc, article=article, clause=clause, point=point, quote="..."))


def coverage(rule_set: RuleSet, reports: Iterable[Report] = (),
             asserted: Iterable[str] = ()) -> Coverage:
    """Coverage of `rule_set` by the findings of `reports` and the rule ids in `asserted`
    (the rules a scenario's expectations name)."""
    encoded = encoded_clauses(rule_set)
    touched: set[Key] = set()
    for report in reports:
        touched.update(_key(o.source) for o in report.obligations)
        touched.update(_key(v.source) for v in report.violations)
    by_rule: dict[str, list[Key]] = {}
    for key, rules in encoded.items():
        for rule_id in rules:
            by_rule.setdefault(rule_id, []).append(key)
    named: set[Key] = set()
    for rule_id in asserted:
        named.update(by_rule.get(rule_id, ()))
    touched |= named
    clauses: dict[Key, ClauseUse] = {}
    for key, rules in encoded.items():
        state: State = "exercised" if key in touched else "not_exercised"
        clauses[key] = _use(key, state, rules, None, key in named)
    for provision in rule_set.coverage:
        key = _key(provision.source)
        state = "not_evaluable" if provision.status == "not_evaluable" else "informative"
        if key in clauses:
            continue  # encoded: coverage counts what the rules do with it
        clauses[key] = _use(key, state, [], provision.reason)
    exercised = sum(c.state == "exercised" for c in clauses.values())
    return Coverage(rule_set=rule_set.id, encoded=len(encoded), exercised=exercised,
                    asserted=len(named & set(encoded)),
                    figure=exercised / len(encoded) if encoded else 1.0,
                    clauses=[clauses[k] for k in sorted(clauses, key=_order)])


def _use(key: Key, state: State, rules: list[str], reason: str | None,
         asserted: bool = False) -> ClauseUse:
    doc, article, clause, point = key
    return ClauseUse(clause=_label(key), document=doc, article=article, clause_number=clause,
                     point=point, state=state, asserted=asserted, rules=list(rules),
                     reason=reason)


_STATE_WORDS = {"exercised": "exercised", "not_exercised": "encoded, not exercised",
                "not_evaluable": "not machine-evaluable", "informative": "informative"}


def coverage_tables(results: Iterable[Coverage], scenarios: bool = True) -> list[Table]:
    """A summary table and, per rule set, its clauses: for rich, Markdown and HTML.
    `scenarios=False` (a log's coverage) leaves out what scenarios asserted."""
    results = list(results)
    summary = Table("Clause coverage", ["rule set", "exercised", "encoded", "figure",
                                         *(["asserted"] if scenarios else []),
                                         "not exercised", "not machine-evaluable"])
    tables = [summary]
    for cov in results:
        summary.rows.append([cov.rule_set, str(cov.exercised), str(cov.encoded),
                             f"{cov.figure:.0%}", *([str(cov.asserted)] if scenarios else []),
                             str(len(cov.of("not_exercised"))),
                             str(len(cov.of("not_evaluable")))])
        table = Table(f"{cov.rule_set}: clauses", ["clause", "state", "rules or reason"])
        for use in cov.clauses:
            if use.state == "informative":
                continue
            detail = ", ".join(use.rules) if use.rules else (use.reason or "")
            state = _STATE_WORDS[use.state]
            if scenarios and use.state == "exercised" and not use.asserted:
                state += " (produced, not asserted)"
            table.rows.append([use.clause, state, detail])
        tables.append(table)
    return tables
