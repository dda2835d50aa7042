"""Tests for `quyche.successions`: who owes and who is owed a duty after 2025's changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import quyche
from quyche.analysis.schedule import schedule, to_ics
from quyche.cli import app
from quyche.successions import due_day
from quyche.testing import event_streams
from quyche.time.deadlines import LOCAL

runner = CliRunner()

CAOBANG_MONTHS = dict(as_of="2025-09-30T00:00:00+07:00", since="2025-06-01T00:00:00+07:00")


def _programme(to: str, month: str, ident: str) -> dict:
    return {"id": ident, "type": "submission", "actor": "dai_ptth", "kind": "media_product",
            "to": to, "period": f"2025-{month}", "at": f"2025-{month}-10T09:00:00+07:00"}


def _month(report: quyche.Report, month: str) -> quyche.ObligationStatus:
    return next(o for o in report.obligations_for("monthly_programme_dai_ptth")
                if o.period == f"2025-{month}")


CALLER = [{"id": "cb_information", "predecessor": "so_tttt", "successor": "so_vhttdl",
           "effective": "2025-03-01", "functions": ["information"],
           "basis": "Quyết định của UBND tỉnh Cao Bằng (the caller's record)"}]


class TestResolution:
    def test_reading_accepts_predecessor_and_candidates_not_others(self):
        """While the successor is a reading, the predecessor and each candidate count."""
        events = [_programme("so_tttt", "06", "a"), _programme("so_khcn", "07", "b"),
                  _programme("so_tai_chinh", "08", "c")]
        report = quyche.evaluate("caobang", events, **CAOBANG_MONTHS)
        assert [_month(report, m).status for m in ("06", "07", "08")] == ["met", "met", "missed"]
        assert "the predecessor" in _month(report, "06").successions[0].note
        assert "a candidate successor" in _month(report, "07").successions[0].note

    def test_caller_successions_resolve_it(self):
        """Once the caller says who took over, only the successor counts."""
        events = [_programme("so_tttt", "06", "a"), _programme("so_khcn", "07", "b"),
                  _programme("so_vhttdl", "08", "c")]
        report = quyche.evaluate("caobang", events, successions=CALLER, **CAOBANG_MONTHS)
        assert [_month(report, m).status for m in ("06", "07", "08")] == [
            "missed", "missed", "met"]
        handover = _month(report, "08").successions[0]
        assert (handover.succession, handover.asserted_by, handover.candidates) == (
            "cb_information", "caller", [])

    def test_overriding_the_reading_resolves_it(self):
        """`interpretations=` on the reading names the successor as the caller's."""
        rs = quyche.load("caobang", interpretations={"so_tttt_information_successor": "so_khcn"})
        report = quyche.evaluate(rs, [_programme("so_khcn", "06", "a"),
                                      _programme("so_vhttdl", "07", "b")], **CAOBANG_MONTHS)
        assert _month(report, "06").owed_to == ["so_khcn"]
        assert [_month(report, m).status for m in ("06", "07")] == ["met", "missed"]
        assert _month(report, "06").successions[0].asserted_by == "caller"

    def test_a_delivery_counts_with_the_bodies_in_office_on_its_day(self):
        """A straddling duty: before the date only the predecessor receives, after it the
        successor (and while open, the candidates); the finding says which."""
        def report(to: str, at: str, **kw):
            sent = {"id": "y", "type": "submission", "actor": "dai_ptth",
                    "kind": "operator_report", "to": to, "period": "2025", "at": at}
            r = quyche.evaluate("caobang", [sent], as_of="2025-12-31T00:00:00+07:00",
                                since="2025-01-01T00:00:00+07:00", **kw)
            [duty] = [o for o in r.obligations_for("annual_report")
                      if o.actor == "dai_ptth" and o.period == "2025"]
            return duty
        early = report("so_tttt", "2025-02-20T09:00:00+07:00", successions=CALLER)
        assert (early.owed_to, early.status) == (["so_vhttdl"], "met")
        assert early.successions[0].note == (
            "addressed to so_tttt on 2025-02-20, before the succession took effect")
        assert report("so_khcn", "2025-02-20T09:00:00+07:00").status == "missed"
        assert report("so_vhttdl", "2025-02-20T09:00:00+07:00").status == "missed"
        assert report("so_khcn", "2025-05-20T09:00:00+07:00").status == "met"
        assert report("so_tttt", "2025-05-20T09:00:00+07:00",
                      successions=CALLER).status == "missed"

    def test_caller_added_district_is_flagged_after_abolition(self):
        """A district the caller registers is flagged like the ones the text names."""
        report = quyche.evaluate("caobang", [], as_of="2025-12-31T00:00:00+07:00",
                                 since="2024-12-01T00:00:00+07:00",
                                 actors={"ubnd_tp_cao_bang": ["ubnd_huyen"]})
        mine = {o.period: o for o in report.obligations_for("annual_report")
                if o.actor == "ubnd_tp_cao_bang"}
        assert [h.succession for h in mine["2024"].successions] == []
        assert mine["2025"].successions[0].succession == "ubnd_huyen_abolished_2025"
        assert mine["2025"].successions[0].asserted_by == "none"
        assert any(w.startswith("ubnd_tp_cao_bang was abolished from 2025-07-01")
                   for w in report.warnings)

    def test_an_event_by_the_successor_raises_the_predecessors_duty(self):
        """Feedback a district's successor receives after 2025-07-01 is its to pass on."""
        mine = [{"id": "ql_to_commune", "predecessor": "ubnd_huyen_quang_hoa",
                 "successor": "ubnd_xa_quang_hoa", "effective": "2025-07-01",
                 "basis": "the caller's record"}]
        events = [{"id": "f1", "type": "feedback_received", "actor": "ubnd_xa_quang_hoa",
                   "at": "2025-08-01T09:00:00+07:00"},
                  {"id": "w1", "type": "feedback_forwarded", "actor": "ubnd_xa_quang_hoa",
                   "feedback": "f1", "to": "so_vhttdl", "at": "2025-08-01T15:00:00+07:00"}]
        args = dict(as_of="2025-09-01T00:00:00+07:00", since="2025-07-01T00:00:00+07:00")
        without = quyche.evaluate("caobang", events, **args)
        assert without.obligations_for("feedback_forward") == []
        report = quyche.evaluate("caobang", events, successions=mine, **args)
        [duty] = report.obligations_for("feedback_forward")
        assert (duty.actor, duty.owed_to, duty.status, duty.fulfilled_by) == (
            "ubnd_xa_quang_hoa", ["so_vhttdl"], "met", "w1")
        assert [h.succession for h in duty.successions] == [
            "ql_to_commune", "so_tttt_information_2025"]

    def test_due_day_is_the_last_day_of_the_duty(self):
        """A duty due by the end of 28/02 belongs to the body in office on 28/02."""
        assert due_day(dt.datetime(2025, 3, 1, tzinfo=LOCAL)) == dt.date(2025, 2, 28)

    @pytest.mark.parametrize(("given", "message"), [
        ({"id": "x"}, "expected a list of successions"),
        ([{"id": "x", "predecessor": "so_tttt", "effective": "2025-03-01", "basis": "b"}],
         "successions[0].successor: Field required"),
        ([{**CALLER[0], "predecessor": "so_nowhere"}],
         "successions[0].predecessor: 'so_nowhere' is not an actor of caobang"),
        ([CALLER[0], CALLER[0]], "successions[1].id: duplicate id 'cb_information'"),
        ([{**CALLER[0], "colour": "red"}], "successions[0].colour: Extra inputs"),
        ([{**CALLER[0], "functions": ["informaton"]}], "successions[0].functions[0]: no duty "
         "of caobang has the function 'informaton'; its functions: information, operation"),
    ])
    def test_malformed_successions_are_one_clear_error(self, given, message):
        with pytest.raises(quyche.EvaluationError) as info:
            quyche.evaluate("caobang", [], successions=given, **CAOBANG_MONTHS)
        assert message in str(info.value)


class TestPartials:
    def test_partitions_with_the_callers_successions_merge_into_the_whole(self, tmp_path):
        """A partial carries the caller's successions: saved, read back and merged, it gives
        the report of the whole."""
        events = [_programme("so_tttt", "06", "a"), _programme("so_vhttdl", "07", "b")]
        whole = quyche.evaluate("caobang", events, successions=CALLER, **CAOBANG_MONTHS)
        parts = [quyche.partial("caobang", [e], successions=CALLER, **CAOBANG_MONTHS)
                 for e in events]
        again = [quyche.Partial.from_json(p.to_json()) for p in parts]
        merged = quyche.merge(again, rule_set="caobang")
        assert merged.model_dump() == whole.model_dump()
        assert _month(merged, "06").status == "missed"  # the caller's successor only
        monitor = quyche.Monitor("caobang", since=CAOBANG_MONTHS["since"], successions=CALLER)
        monitor.add(events)
        saved = tmp_path / "monitor.json"
        monitor.save(saved)
        restored = quyche.Monitor.restore(saved)
        assert restored.report(CAOBANG_MONTHS["as_of"]).model_dump() == whole.model_dump()
        mixed = [parts[0], quyche.partial("caobang", events[1:], **CAOBANG_MONTHS)]
        with pytest.raises(quyche.MergeError):
            quyche.merge(mixed)


    def test_the_durable_backend_resolves_the_same(self):
        """Successions are resolved after matching: durable_rules gives the same report."""
        pytest.importorskip("durable.engine")
        events = [_programme("so_tttt", "06", "a"), _programme("so_vhttdl", "07", "b"),
                  {"id": "i1", "type": "incident", "site": "ta_lung", "category": "technical",
                   "at": "2025-06-20T09:00:00+07:00"},
                  {"id": "r1", "type": "incident_reported", "incident": "i1",
                   "actor": "ubnd_huyen_quang_hoa", "to": "so_khcn",
                   "at": "2025-06-20T10:00:00+07:00"}]
        native = quyche.evaluate("caobang", events, successions=CALLER, **CAOBANG_MONTHS)
        durable = quyche.evaluate("caobang", events, successions=CALLER, engine="durable",
                                  **CAOBANG_MONTHS)
        assert durable.model_dump() == native.model_dump()
        [incident] = native.obligations_for("incident_report")
        assert (incident.owed_to, incident.status) == (["so_khcn"], "met")


class TestRuleSets:
    def test_a_duty_of_a_predecessor_needs_a_covered_function(self):
        """A duty that no function-specific succession covers is refused at load time."""
        text = quyche.dump(quyche.load("caobang")).replace(
            "function: operation", "function: typing_error", 1)
        with pytest.raises(quyche.RuleSetError, match="so_tttt has successions only for"):
            from quyche._load import load_text
            load_text(text, "caobang-edited.yaml")

    def test_a_reading_of_a_successor_names_a_declared_body(self):
        text = quyche.dump(quyche.load("caobang")).replace(
            "alternatives:\n  - so_khcn", "alternatives:\n  - so_nowhere", 1)
        from quyche._load import load_text
        with pytest.raises(quyche.RuleSetError, match="a successor is a declared actor"):
            load_text(text, "caobang-edited.yaml")

    def test_no_basis_points_outside_the_repository(self):
        for rid in quyche.rule_sets():
            for s in quyche.load(rid).successions:
                assert "DESIGN" not in s.basis and "see " not in s.basis.lower()[:4], s.id


class TestSchedule:
    def test_successor_after_the_effective_date(self):
        """`--actor so_tttt` lists its duties, carried by the successor after 2025-03-01."""
        duties = schedule(quyche.load("kontum"), "2025-01-01", "2025-12-31", actor="so_tttt")
        before = [d for d in duties if d.last_day < dt.date(2025, 3, 1)]
        after = [d for d in duties if d.last_day >= dt.date(2025, 3, 1)]
        assert before and {d.actor for d in before} == {"so_tttt"}
        assert after and {d.actor for d in after} == {"so_vhttdl"}
        assert all(d.successions[0].succession == "so_tttt_information_2025" for d in after)
        ics = to_ics(after[:1], stamp=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
        assert b"X-QUYCHE-SUCCESSION:so_tttt_information_2025" in ics
        assert b"Succession so_tttt_information_2025" in ics

    def test_cli_table_marks_the_successor_and_says_why(self):
        result = runner.invoke(app, ["schedule", "kontum", "--year", "2025", "--actor",
                                     "so_tttt"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "so_vhttdl (← so_tttt, reading)" in result.stdout
        assert "so_tttt was reorganised from 2025-03-01" in result.stderr.replace("\n", " ")


class TestCli:
    def test_successions_file_changes_the_findings(self, tmp_path):
        events = tmp_path / "events.jsonl"
        events.write_text(json.dumps(_programme("so_khcn", "06", "a")) + "\n", encoding="utf-8")
        mine = tmp_path / "successions.yaml"
        mine.write_text(
            "- id: cb_information\n  predecessor: so_tttt\n  successor: so_vhttdl\n"
            "  effective: 2025-03-01\n  functions: [information]\n  basis: caller's record\n",
            encoding="utf-8")
        args = ["check", "caobang", str(events), "--as-of", CAOBANG_MONTHS["as_of"],
                "--since", CAOBANG_MONTHS["since"], "--format", "json"]
        plain = json.loads(runner.invoke(app, args).stdout)
        resolved = json.loads(runner.invoke(app, [*args, "--successions", str(mine)]).stdout)

        def june(report):
            return next(o for o in report["obligations"] if o["period"] == "2025-06"
                        and o["rule_id"] == "monthly_programme_dai_ptth")
        assert june(plain)["status"] == "met"
        assert june(resolved)["status"] == "missed"
        assert june(resolved)["successions"][0]["asserted_by"] == "caller"

    @pytest.mark.parametrize(("text", "message"), [
        ("- id: a\n  predecessor: so_tttt\n  predecessor: bo_tttt\n", ":3:3: successions[0]"
         ".predecessor: duplicate key 'predecessor'"),
        ("id: a\npredecessor: so_tttt\n", ":1:1: a successions file is a list"),
        ("- id: a\n  predecessor: so_tttt\n  successor: so_khcn\n  effective: 2025-03-01\n"
         "  basis: b\n  colour: red\n", ":6:11: successions[0].colour: unknown key 'colour'"),
        ("- id: a\n  predecessor: so_nowhere\n  successor: so_khcn\n  effective: 2025-03-01\n"
         "  basis: b\n", ":2:16: successions[0].predecessor: 'so_nowhere' is not an actor"),
    ])
    def test_malformed_file_is_one_error_with_its_line(self, tmp_path, text, message):
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["schedule", "caobang", "--year", "2025",
                                     "--successions", str(bad)])
        assert result.exit_code == 2
        assert f"{bad}{message}" in result.stderr.replace("\n", " ")
        assert "Traceback" not in result.output


class TestExplainCompareDiff:
    def test_explain_names_the_succession_and_its_reading(self):
        e = quyche.explain("caobang", "monthly_programme_dai_ptth", today="2025-05-01")
        assert [(s.id, s.role, s.asserted_by) for s in e.successions] == [
            ("so_tttt_information_2025", "owed_to", "reading")]
        assert "so_tttt_information_successor" in [i.id for i in e.interpretations]

    def test_explain_and_compare_say_the_instrument_territory(self):
        e = quyche.explain("kontum", "annual_summary_report", today="2025-05-01")
        assert any("former territory of Kon Tum" in n and "a reading" in n for n in e.notes)
        row = quyche.compare().row("territory")
        assert "a reading" in row.cells["kontum"][0].text
        assert "shown by the text" in row.cells["tuyenquang"][0].text
        assert quyche.compare().row("successions").cells["caobang"]

    def test_diff_of_a_rule_set_with_one_succession_changed(self):
        a = quyche.load("laichau")
        data = a.model_dump()
        data["successions"][0]["effective"] = dt.date(2025, 4, 1)
        b = quyche.RuleSet.model_validate(data)
        changes = quyche.diff(a, b).changes
        assert [(c.section, c.a_id, [f.path for f in c.fields]) for c in changes] == [
            ("successions", "so_tttt_information_2025", ["effective"])]


# --------------------------------------------------------------------------- property

def _stripped(rs: quyche.RuleSet) -> quyche.RuleSet:
    """The rule set as if it recorded no succession (nor a reading of one)."""
    data = rs.model_dump()
    data["successions"] = []
    data["interpretations"] = [i for i in data["interpretations"]
                               if not i["path"].startswith("successions.")]
    return quyche.RuleSet.model_validate(data)


_WHO = ("actor", "owed_to", "successions")


def _findings(report: quyche.Report, cut: dt.date, rs: quyche.RuleSet) -> dict:
    """The report, with who owes and who is owed blanked out for duties due from `cut`, and
    without the lines that name a succession."""
    data = report.model_dump()
    named = [f"({s.id})" for s in rs.successions]
    for o, dumped in zip(report.obligations, data["obligations"], strict=True):
        if due_day(o.due) >= cut:
            dumped.update(dict.fromkeys(_WHO))
    data["violations"] = [v for v in data["violations"] if v["when"][:10] < cut.isoformat()]
    data["warnings"] = [w for w in data["warnings"] if not any(n in w for n in named)]
    return data


RULE_SETS = {rid: quyche.load(rid) for rid in quyche.rule_sets()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(RULE_SETS)).flatmap(lambda rid: event_streams(
    RULE_SETS[rid], "2024-08-01T00:00:00+07:00", "2024-12-31T00:00:00+07:00", max_size=25)))
def test_no_succession_in_the_window_changes_nothing(stream):
    """With no succession effective in the window, the report is today's: the only duties
    that change hands are those falling due after the first effective date."""
    cut = min(s.effective for s in stream.rule_set.successions)
    with_them = stream.evaluate()
    without = quyche.evaluate(_stripped(stream.rule_set), stream.events, **stream.arguments())
    assert _findings(with_them, cut, stream.rule_set) == _findings(without, cut, stream.rule_set)
    assert all(not o.successions for o in with_them.obligations if due_day(o.due) < cut)
    if all(due_day(o.due) < cut for o in without.obligations):
        assert with_them.model_dump() == without.model_dump()
