"""Tests for `quyche.diff` and `quyche.strictness`: pairing concepts, values and citations,
stricter or looser."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import quyche
from quyche._load import dump, load_text
from quyche.analysis.diff import Diff, diff
from quyche.analysis.strictness import (
    deadline_direction,
    duration_direction,
    recurrence_direction,
    same_dues,
)
from quyche.model import Deadline, Duration, Policies, Recurrence, RuleSet
from quyche.testing import rule_set_variations

SAMPLE = Path(__file__).parent / "data" / "sample.yaml"
BUNDLED = quyche.rule_sets()


def sample() -> RuleSet:
    return quyche.load(SAMPLE)


def changed(rs: RuleSet, **edits: object) -> RuleSet:
    """A copy of `rs` with dotted paths set to new values (list items by id)."""
    from quyche._load import set_path

    data = rs.model_dump(mode="json")
    for path, value in edits.items():
        set_path(data, path.replace("__", "."), value)
    return RuleSet.model_validate(data)


@pytest.fixture(scope="module")
def kl() -> Diff:
    return diff("kontum", "laichau")


class TestKonTumLaiChau:
    """The real rule sets: what an analyst comparing the two provinces must see."""

    def test_quarterly_media_products_day_15_vs_20(self, kl: Diff) -> None:
        """The quarterly duty pairs by id; day 15 vs day 20 of the last month: B is looser."""
        c = kl.find("obligations", "quarterly_media_products")
        assert c is not None and c.change == "changed" and c.paired_by == "id"
        day = next(f for f in c.fields if f.path == "recurrence.day")
        assert (day.a, day.b, day.direction) == (15, 20, "looser")
        assert c.a_source.article is not None and c.b_source.article is not None
        assert "15" in c.a_source.quote and "20" in c.b_source.quote

    def test_monthly_promotion_pairs_by_concept(self, kl: Diff) -> None:
        """Differently named monthly promotion duties pair by what they are: 15th vs 20th."""
        c = next(c for c in kl.section("obligations") if c.paired_by == "concept"
                 and any(f.path == "recurrence.day" for f in c.fields)
                 and c.a_when and "each month" in c.a_when)
        assert c.a_id != c.b_id
        day = next(f for f in c.fields if f.path == "recurrence.day")
        assert (day.a, day.b, day.direction) == (15, 20, "looser")
        assert c.a_when == "on day 15 of each month"
        assert c.b_when == "on day 20 of each month"

    def test_bilingual_languages_lao_khmer_vs_chinese(self, kl: Diff) -> None:
        """Border-gate languages: Kon Tum's Lao and Khmer bilinguals, Lai Châu's Chinese."""
        c = kl.find("languages.policies", "border_gate_languages")
        allowed = next(f for f in c.fields if f.path == "allowed")
        assert {"vi+lo", "vi+km"} <= set(allowed.removed)
        assert "vi+zh" in allowed.added
        assert "vi+en" not in allowed.added + allowed.removed

    def test_summary_report_before_30_vs_20_december(self, kl: Diff) -> None:
        """The yearly summary is due before 30/12 in A and before 20/12 in B: B is stricter."""
        c = kl.find("obligations", "annual_summary_report")
        day = next(f for f in c.fields if f.path == "recurrence.day")
        assert (day.a, day.b, day.direction) == (30, 20, "stricter")
        assert c.direction == "stricter"
        assert "30/12" in c.a_when and "20/12" in c.b_when

    def test_six_month_backup_retention_only_in_b(self, kl: Diff) -> None:
        """Lai Châu keeps backups 6 months; Kon Tum's text sets no retention."""
        c = next(c for c in kl.section("constraints") if c.b and c.b.get("kind") ==
                 "backup_retention")
        assert c.change == "added" and c.a_id is None
        assert c.b["retention"]["months"] == 6
        assert c.b_source is not None and "06 tháng" in c.b_source.quote

    def test_instrument_fields(self, kl: Diff) -> None:
        """The instrument's in-force dates differ, each cited."""
        c = kl.find("instrument", "instrument")
        in_force = next(f for f in c.fields if f.path == "in_force")
        assert (in_force.a, in_force.b) == ("2024-01-15", "2024-07-01")
        assert in_force.a_source.article == in_force.b_source.article == 2

    def test_json_ready_and_round_trips(self, kl: Diff) -> None:
        """model_dump(mode='json') is plain JSON and validates back to the same diff."""
        data = json.loads(json.dumps(kl.model_dump(mode="json"), ensure_ascii=False))
        assert Diff.model_validate(data) == kl

    def test_same_rule_set_is_empty(self) -> None:
        """diff(a, a) is empty for a real rule set."""
        assert diff("kontum", "kontum").empty


@pytest.mark.parametrize(("a", "b"), list(itertools.product(BUNDLED, repeat=2)))
def test_bundled_pairs_mirror(a: str, b: str) -> None:
    """Swapping A and B swaps added/removed and stricter/looser, for every bundled pair."""
    forward, backward = diff(a, b), diff(b, a)
    assert forward.swapped() == backward
    assert forward.empty == (a == b)
    counts_f, counts_b = forward.counts(), backward.counts()
    assert (counts_f["added"], counts_f["stricter"]) == (counts_b["removed"], counts_b["looser"])


class TestPairing:
    """Concepts pair by id, then by what they are."""

    def test_renamed_obligation_pairs_by_concept(self) -> None:
        """Only the id differs: one change, paired by concept, no field differs."""
        rs = sample()
        data = rs.model_dump(mode="json")
        data["obligations"][0]["id"] = "renamed_quarterly"
        d = diff(rs, RuleSet.model_validate(data))
        assert len(d.changes) == 1
        c = d.changes[0]
        assert (c.a_id, c.b_id, c.paired_by, c.fields) == (
            "quarterly_media", "renamed_quarterly", "concept", [])

    def test_unrelated_obligations_do_not_pair(self) -> None:
        """A duty discharged by something else is added and removed, not paired."""
        rs = sample()
        data = rs.model_dump(mode="json")
        ob = data["obligations"][0]
        ob["id"] = "another"
        ob["discharged_by"] = {"event": "submission", "kind": "operator_report"}
        d = diff(rs, RuleSet.model_validate(data))
        assert sorted(c.change for c in d.changes) == ["added", "removed"]

    def test_version_diff_between_files(self, tmp_path: Path) -> None:
        """Two versions of one file: only the edited value shows."""
        old = tmp_path / "old.yaml"
        old.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        new = tmp_path / "new.yaml"
        new.write_text(dump(changed(sample(), obligations__quarterly_media__recurrence__day=10)),
                       encoding="utf-8")
        d = diff(str(old), str(new))
        assert [(c.a_id, [(f.path, f.a, f.b, f.direction) for f in c.fields])
                for c in d.changes] == [("quarterly_media", [("recurrence.day", 15, 10,
                                                              "stricter")])]

    def test_notation_is_not_a_difference(self) -> None:
        """'on' and 'by', or a yearly date left out vs 31/12, fall due alike: no change."""
        rs = sample()
        other = changed(rs, obligations__quarterly_media__recurrence__relation="by",
                        obligations__monthly_backup__recurrence={"every": "month", "day": 31})
        assert diff(rs, other).empty

    def test_prose_is_not_compared(self) -> None:
        """Titles and quotes may be reworded without a difference."""
        rs = sample()
        other = changed(rs, obligations__quarterly_media__title={"vi": "Khác", "en": "Other"},
                        obligations__quarterly_media__source={"article": 9, "quote": "khác đi"})
        assert diff(rs, other).empty


POLICIES = Policies.model_validate({
    "before_date": {"value": "exclusive", "basis": "t"},
    "roll_forward_periods": {"value": True, "basis": "t"},
    "roll_forward_fixed_dates": {"value": False, "basis": "t"},
})
INCLUSIVE = POLICIES.model_copy(update={"before_date": POLICIES.before_date.model_copy(
    update={"value": "inclusive"})})


def dl(**kw: object) -> Deadline:
    return Deadline.model_validate(kw)


class TestDirections:
    """Stricter and looser, measured instant by instant."""

    @pytest.mark.parametrize(("a", "b", "expected"), [
        (dl(hours=24), dl(same_day=True), "stricter"),
        (dl(hours=24), dl(days=1), "looser"),
        (dl(hours=48), dl(days=1), "incomparable"),
        (dl(days=3), dl(working_days=3), "looser"),
        (dl(working_days=7), dl(working_days=2), "stricter"),
        (dl(days=15), dl(days=15), None),
    ])
    def test_deadlines(self, a: Deadline, b: Deadline, expected: str | None) -> None:
        """Hours, days, working days and the same day compare by their due instants."""
        assert deadline_direction(a, POLICIES, b, POLICIES) == expected
        flipped = {"stricter": "looser", "looser": "stricter"}.get(expected, expected)
        assert deadline_direction(b, POLICIES, a, POLICIES) == flipped

    def test_retention(self) -> None:
        """Keeping backups longer is stricter; 6 months is longer than 180 days."""
        six = Duration(months=6)
        assert duration_direction(six, Duration(months=12)) == "stricter"
        assert duration_direction(six, Duration(days=180)) == "looser"
        assert duration_direction(six, Duration(months=6)) is None

    def test_recurrences(self) -> None:
        """An earlier day is stricter; more frequent is stricter; 'before' reads the policy."""
        q15 = Recurrence(every="quarter", month=3, day=15)
        q20 = Recurrence(every="quarter", month=3, day=20)
        monthly = Recurrence(every="month", day=20)
        before20 = Recurrence(every="quarter", month=3, day=20, relation="before")
        args = (POLICIES, None)
        assert recurrence_direction(q15, *args, q20, *args) == "looser"
        assert recurrence_direction(q20, *args, q15, *args) == "stricter"
        assert recurrence_direction(q20, *args, monthly, *args) == "stricter"
        assert recurrence_direction(q20, *args, before20, *args) == "stricter"
        assert recurrence_direction(q20, *args, before20, INCLUSIVE, None) is None
        assert same_dues(q20, *args, before20, INCLUSIVE, None)

    def test_policy_before_date(self) -> None:
        """Reading 'trước ngày D' as inclusive is looser than exclusive."""
        rs = sample()
        d = diff(rs, changed(rs, policies__before_date__value="inclusive"))
        (c,) = d.changes
        (f,) = c.fields
        assert (c.section, f.path, f.a, f.b, f.direction) == (
            "policies", "before_date", "exclusive", "inclusive", "looser")

    def test_broadcast_minimum_and_windows(self) -> None:
        """More hours, narrower parts and longer windows are stricter."""
        rs = sample()
        d = diff(rs, changed(rs, broadcast__rules__daily_minimum__min_hours=8,
                             broadcast__rules__working_windows__required_windows=[
                                 {"start": "07:00", "end": "11:00"},
                                 {"start": "13:30", "end": "18:00"}]))
        hours = d.find("broadcast.rules", "daily_minimum").fields[0]
        windows = d.find("broadcast.rules", "working_windows").fields[0]
        assert (hours.path, hours.direction) == ("min_hours", "stricter")
        assert (windows.path, windows.direction) == ("required_windows", "stricter")


# --------------------------------------------------------------------------- properties

BASES = {"sample": sample(), **{name: quyche.load(name) for name in ("kontum", "laichau")}}
_PREFIXES = ("broadcast.rules", "languages.policies", "languages.groups", "obligations",
             "constraints")


def _locate(path: str) -> tuple[str, str, str]:
    """(section, concept id, path inside the concept) of a varied value's path."""
    for prefix in _PREFIXES:
        if path.startswith(prefix + "."):
            concept, _, inner = path[len(prefix) + 1:].partition(".")
            return prefix, concept, inner
    section, _, inner = path.partition(".")
    return section, section, inner


@st.composite
def variations(draw: st.DrawFn) -> tuple[RuleSet, RuleSet, str]:
    name = draw(st.sampled_from(sorted(BASES)))
    base = BASES[name]
    varied, description = draw(rule_set_variations(base))
    return base, varied, description


@given(variations())
def test_property_self_diff_is_empty(case: tuple[RuleSet, RuleSet, str]) -> None:
    """diff(a, a) is empty, whatever a is."""
    _, varied, _ = case
    assert diff(varied, varied).empty


@given(variations(), st.sampled_from(sorted(BASES)))
def test_property_mirror(case: tuple[RuleSet, RuleSet, str], other: str) -> None:
    """diff(b, a) is diff(a, b) with sides swapped."""
    _, varied, _ = case
    assert diff(BASES[other], varied).swapped() == diff(varied, BASES[other])


@given(variations())
def test_property_one_change_shows_as_that_change(case: tuple[RuleSet, RuleSet, str]) -> None:
    """A change to one value shows up as exactly one field change, at that value.

    Interpretations pinned on the changed value follow it (they are skipped here);
    a change of notation only ('on' → 'by') shows as nothing.
    """
    base, varied, description = case
    path = description.split(": ", 1)[0]
    section, concept, inner = _locate(path)
    pinned = {i.id for i in base.interpretations if i.path == path}
    found = [c for c in diff(base, varied).changes
             if not (c.section == "interpretations" and c.a_id in pinned)]
    if not found:
        ob = base.obligation(concept)
        assert section == "obligations" and inner.startswith("recurrence"), description
        assert same_dues(ob.recurrence, base.policies, base.instrument.date_of("in_force"),
                         varied.obligation(concept).recurrence, varied.policies,
                         varied.instrument.date_of("in_force")), description
        return
    assert len(found) == 1, description
    (c,) = found
    assert (c.section, c.a_id, c.b_id, c.change) == (section, concept, concept, "changed")
    assert len(c.fields) == 1, (description, c.fields)
    (f,) = c.fields
    assert inner == f.path or inner.startswith(f.path + "."), (description, f.path)
    assert f.a != f.b


def test_sample_round_trip_through_dump_is_empty() -> None:
    """A rule set dumped and loaded again does not differ from itself."""
    rs = sample()
    assert diff(rs, load_text(dump(rs))).empty


def test_dates_in_instrument_are_iso() -> None:
    """Dates are written as ISO strings in the JSON-ready diff."""
    rs = sample()
    d = diff(rs, changed(rs, instrument__in_force={"value": "2024-02-01", "source": {
        "document": "decision", "article": 2, "quote": "hiệu lực"}}))
    f = d.find("instrument", "instrument").fields[0]
    assert (f.a, f.b) == ("2024-01-15", "2024-02-01")
    assert dt.date.fromisoformat(f.b)


def test_readings_of_paired_duties_pair_too():
    """Kon Tum's incident_report pairs with Lai Châu's incident_report_to_operator, and so do
    the readings of their deadlines; the pairing is the same both ways."""
    d = quyche.diff("kontum", "laichau")
    c = d.find("interpretations", "incident_report_promptly")
    assert (c.b_id, c.paired_by) == ("incident_report_to_operator_deadline", "concept")
    assert d.swapped() == quyche.diff("laichau", "kontum")
