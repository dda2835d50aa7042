"""Tests for `quyche.analysis.citations`: a rule set's sources cited under its instrument."""

from __future__ import annotations

import quyche
from quyche.analysis.citations import citation, citer
from quyche.report import Citation


def test_citation_carries_the_instrument_number() -> None:
    """A source becomes the `Citation.of` it under the rule set's instrument number."""
    rs = quyche.load("kontum")
    source = rs.obligations[0].source
    cited = citation(rs, source)
    assert cited == Citation.of(source, rs.instrument.number.value)
    assert cited is not None and cited.quote == source.quote
    assert cited.instrument == rs.instrument.number.value


def test_no_source_no_citation() -> None:
    """A value the text gives no clause for is cited as None, not as an empty citation."""
    assert citation(quyche.load("kontum"), None) is None


def test_citer_is_bound_to_its_rule_set() -> None:
    """`citer(rs)` cites as `citation(rs, ...)` does, for each rule set its own number."""
    a, b = quyche.load("kontum"), quyche.load("laichau")
    source = a.obligations[0].source
    assert citer(a)(source) == citation(a, source)
    assert citer(b)(source) == citation(b, source)
    assert citer(a)(None) is None
