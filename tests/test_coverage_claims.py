"""What the rule sets say they cannot check is still true of the code.

Coverage reasons and notes are prose, but some of what they claim can be checked
mechanically: that a clause called not evaluable is not checked by some rule after
all, that a clause encoded elsewhere names where, and that a reason does not blame a
gap of the event vocabulary or the engine that has since been closed.
"""

from __future__ import annotations

import re

import pytest

import quyche
from quyche.events import REFERENCE_FIELDS
from quyche.vocabulary import EVENT_TYPES

NAMES = quyche.rule_sets()

#: A claim prose may make, and whether the code now makes it false.
STALE_CLAIMS = [
    (re.compile(r"no (incident[- ]resolved|request) event|no event (for|records) (an incident "
                r"being fixed|a fix|a request)|no request event", re.I),
     "incident_resolved" in EVENT_TYPES and "request" in EVENT_TYPES),
    (re.compile(r"cannot (check|tell) the recipient|cannot check the recipient|no condition on "
                r"`to`", re.I),
     True),  # answers are checked against the recipients of their duty (engine._answer)
    (re.compile(r"no daily or working-day recurrence", re.I),
     True),  # daily_update constraints check content per site and kind of day
    (re.compile(r"no event names (another|an earlier) event", re.I), bool(REFERENCE_FIELDS)),
]


def _rules(rs):
    return [*rs.obligations, *rs.constraints, *rs.broadcast.rules, *rs.languages.policies]


def _place(source):
    return (source.document, source.article, source.clause, source.point)


def _texts(rs):
    """Every piece of prose of a rule set that describes what is or is not checked."""
    for p in rs.coverage:
        yield f"coverage {_place(p.source)}", p.reason
    for rule in _rules(rs):
        if getattr(rule, "note", None):
            yield f"{rule.id}.note", rule.note
    for interp in rs.interpretations:
        yield f"interpretations.{interp.id}", interp.reading
    if rs.reporting.ad_hoc is not None:
        yield "reporting.ad_hoc", rs.reporting.ad_hoc.note


@pytest.mark.parametrize("name", NAMES)
def test_not_evaluable_names_what_the_clause_does_check(name):
    """A clause called not evaluable that a rule cites names that rule in its reason."""
    rs = quyche.load(name)
    cited: dict[tuple, set[str]] = {}
    for rule in _rules(rs):
        for source in (rule.source, *getattr(rule, "sources", [])):
            cited.setdefault(_place(source), set()).add(rule.id)
    stale = [(_place(p.source), sorted(cited[_place(p.source)]), p.reason)
             for p in rs.coverage if p.status == "not_evaluable"
             and _place(p.source) in cited
             and not any(rule_id in p.reason for rule_id in cited[_place(p.source)])]
    assert not stale, stale


@pytest.mark.parametrize("name", NAMES)
def test_encoded_elsewhere_says_where(name):
    """A clause encoded elsewhere names a rule, an interpretation or a section of the rule set."""
    rs = quyche.load(name)
    ids = set(rs.rule_ids()) | {i.id for i in rs.interpretations}
    sections = re.compile(r"\b(actors?|instrument|reporting\.|broadcast\.|successions|"
                          r"categories|languages|sites|defects?|interpretations?|policies)\b")
    vague = [(_place(p.source), p.reason) for p in rs.coverage
             if p.status == "encoded_elsewhere"
             and not set(re.findall(r"[a-z][a-z0-9_]*", p.reason)) & ids
             and not sections.search(p.reason)]
    assert not vague, vague


@pytest.mark.parametrize("name", NAMES)
def test_no_claim_the_code_has_outgrown(name):
    """No reason or note blames a gap of the vocabulary or the engine that is closed."""
    rs = quyche.load(name)
    stale = [(where, pattern.pattern) for where, text in _texts(rs)
             for pattern, closed in STALE_CLAIMS if closed and pattern.search(text)]
    assert not stale, stale


def test_the_stale_claim_patterns_still_match_what_they_were_written_for():
    """Each pattern recognises the wording that was stale when it was written."""
    samples = ["there is no incident-resolved event", "no event records a request",
               "The discharge cannot check the recipient (`to`)",
               "The schema has no daily or working-day recurrence"]
    for sample in samples:
        assert any(p.search(sample) for p, _ in STALE_CLAIMS), sample
