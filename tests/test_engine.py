"""Tests for `quyche.engine`, on the fictional rule set tests/data/sample.yaml."""

from pathlib import Path

import pytest

import quyche
from quyche import EvaluationError, MergeError

RS = quyche.load(Path(__file__).parent / "data" / "sample.yaml")
SITES = [{"id": "bg1", "kind": "border_gate", "operator": "bdbp_tinh"},
         {"id": "pb1", "kind": "public_board", "operator": "so_tttt"}]
T = "2024-03-04T{}:00+07:00"


def run(events, as_of="2024-03-05T00:00:00+07:00", since="2024-03-04T00:00:00+07:00",
        sites=SITES, **kw):
    return quyche.evaluate(RS, events, as_of=as_of, since=since, sites=sites, **kw)


def seg(ident, site, start, end, **extra):
    return {"id": ident, "type": "broadcast", "site": site, "start": T.format(start),
            "end": T.format(end), **extra}


def kinds(report, rule_id=None, site=None):
    return sorted(v.kind for v in report.violations
                  if (rule_id is None or v.rule_id == rule_id) and (site is None or
                                                                    v.site == site))


class TestBroadcast:
    def test_enough_hours_no_violation(self):
        """3 h before noon and 3 h after: the day is fine."""
        r = run([seg("a", "bg1", "07:00", "10:00"), seg("b", "bg1", "14:00", "17:00")])
        assert kinds(r, "daily_minimum") == []

    def test_overlaps_count_once(self):
        """Two overlapping 3-hour segments cover 4 hours, not 6."""
        r = run([seg("a", "bg1", "07:00", "10:00"), seg("b", "bg1", "08:00", "11:00"),
                 seg("c", "bg1", "13:00", "14:00")])
        assert kinds(r, "daily_minimum") == ["broadcast_hours", "broadcast_part"]
        short = next(v for v in r.violations if v.kind == "broadcast_hours")
        assert short.when == "2024-03-04" and short.site == "bg1"
        assert short.events == ["a", "b", "c"]

    def test_duplicate_segment_counts_once(self):
        r = run([seg("a", "bg1", "06:00", "09:00"), seg("a2", "bg1", "06:00", "09:00"),
                 seg("b", "bg1", "13:00", "16:00")])
        assert kinds(r, "daily_minimum") == []

    def test_silent_registered_site(self):
        r = run([])
        assert kinds(r, "daily_minimum") == ["no_broadcast"]
        assert kinds(r, "working_windows") == ["no_broadcast"]

    def test_required_window_gap(self):
        """A 30-minute gap inside 13:30-18:00 on a working day is a violation."""
        r = run([seg("a", "pb1", "07:30", "11:00"), seg("b", "pb1", "13:30", "15:00"),
                 seg("c", "pb1", "15:30", "18:00")])
        [v] = [v for v in r.violations if v.rule_id == "working_windows"]
        assert v.kind == "broadcast_window" and "13:30-18:00" in v.message_en

    def test_window_rule_skips_weekends(self):
        r = run([], since="2024-03-02T00:00:00+07:00", as_of="2024-03-04T00:00:00+07:00")
        assert kinds(r, "working_windows") == []

    def test_segment_across_midnight_split(self):
        r = run([{"id": "n", "type": "broadcast", "site": "bg1",
                  "start": "2024-03-03T21:00:00+07:00", "end": "2024-03-04T03:00:00+07:00"},
                 seg("b", "bg1", "13:00", "16:00")])
        assert kinds(r, "daily_minimum") == []

    def test_emergency_counts_as_covered(self):
        r = run([{"id": "e", "type": "emergency", "start": T.format("00:00"),
                  "end": T.format("12:00")}, seg("b", "bg1", "13:00", "16:00")])
        assert kinds(r, "daily_minimum") == []
        assert kinds(r, "working_windows") == ["broadcast_window"]

    def test_emergency_limited_to_named_sites(self):
        r = run([{"id": "e", "type": "emergency", "start": T.format("00:00"),
                  "end": T.format("12:00"), "sites": ["pb1"]},
                 seg("b", "bg1", "13:00", "16:00")])
        assert "broadcast_part" in kinds(r, "daily_minimum")

    def test_same_emergency_for_all_and_for_named_sites(self):
        """Regression (found by hypothesis in CI): two emergencies with the same times,
        one for every site and one for named sites, must not break ordering."""
        r = run([{"id": "e0", "type": "emergency", "start": T.format("00:00"),
                  "end": T.format("12:00")},
                 {"id": "e1", "type": "emergency", "start": T.format("00:00"),
                  "end": T.format("12:00"), "sites": ["bg1"]},
                 seg("b", "bg1", "13:00", "16:00")])
        assert r.summary.events_applied == 3
        assert kinds(r, "daily_minimum", site="bg1") == []

    def test_emergency_without_an_emergency_clause_is_pointed_out(self):
        """The vocabulary exempts emergency time; a text with no such clause gets a warning."""
        event = {"id": "e", "type": "emergency", "start": T.format("00:00"),
                 "end": T.format("12:00")}
        assert not [w for w in run([event]).warnings if "emergency clause" in w]
        silent = RS.model_copy(update={"broadcast": RS.broadcast.model_copy(
            update={"emergency_override": None})})
        r = quyche.evaluate(silent, [event, seg("b", "bg1", "13:00", "16:00")],
                            as_of="2024-03-05T00:00:00+07:00",
                            since="2024-03-04T00:00:00+07:00", sites=SITES)
        assert kinds(r, "daily_minimum", site="bg1") == []
        assert any(w.startswith("1 emergency event [e]: the text of sample has no emergency "
                                "clause") for w in r.warnings)

    def test_uncounted_content_is_counted_as_a_segment_not_as_time(self):
        """An uncounted segment (first, on the general path) and counted ones after it (on
        the fast path): 3 h counted, 3 segments, in any order and on either path."""
        from quyche.events import validate_event

        rs = RS.model_copy(update={"broadcast": RS.broadcast.model_copy(
            update={"uncounted_categories": ["policy"]})})
        events = [seg("ad", "bg1", "06:00", "07:00", category="policy"),
                  seg("a", "bg1", "07:00", "09:00"), seg("b", "bg1", "13:00", "14:00")]

        def report(evs):
            return quyche.evaluate(rs, evs, as_of="2024-03-05T00:00:00+07:00",
                                   since="2024-03-04T00:00:00+07:00", sites=SITES)

        r = report(events)
        [short] = [v for v in r.violations if v.kind == "broadcast_hours" and v.site == "bg1"]
        assert "3.00 h, 3 segment(s)" in short.message_en
        assert report(events[::-1]).model_dump() == r.model_dump()
        assert report([validate_event(e) for e in events]).model_dump() == r.model_dump()

    def test_interpretation_override_changes_finding(self):
        """Morning read as ending at 11:00: 11:00-12:00 no longer counts for the morning."""
        events = [seg("a", "bg1", "09:00", "12:00"), seg("b", "bg1", "13:00", "16:00")]
        assert kinds(run(events), "daily_minimum") == []
        r = run(events, interpretations={"morning_ends": "11:00"})
        assert kinds(r, "daily_minimum") == ["broadcast_part"]

    def test_day_not_ended_is_not_checked(self):
        r = run([], as_of="2024-03-04T23:00:00+07:00")
        assert kinds(r, "daily_minimum") == []


class TestContent:
    def test_language_groups_and_pairs(self):
        r = run([seg("a", "bg1", "07:00", "10:00", language="tyz"),
                 seg("b", "bg1", "13:00", "16:00", language="vi+en"),
                 seg("c", "bg1", "17:00", "17:10", language="vi+lo")])
        assert [v.events for v in r.violations if v.kind == "language_not_allowed"] == [["c"]]

    def test_bilingual_order_does_not_matter(self):
        """'en+vi' is the Vietnamese-English product the rule set lists as 'vi+en'."""
        r = run([seg("a", "bg1", "07:00", "10:00", language="en+vi"),
                 seg("b", "bg1", "13:00", "16:00", language="lo+vi")])
        assert [v.events for v in r.violations if v.kind == "language_not_allowed"] == [["b"]]

    def test_language_not_iso_is_rejected(self):
        r = run([seg("a", "bg1", "07:00", "10:00", language="klingon")])
        assert "ISO 639" in r.rejected[0].reason

    def test_category_not_for_site_kind(self):
        r = run([seg("a", "pb1", "07:30", "11:00", category="foreign_info")])
        assert kinds(r, "categories_allowed") == ["category_not_allowed"]

    def test_unknown_category_rejected_with_allowed_values(self):
        r = run([seg("a", "bg1", "07:00", "10:00", category="gossip")])
        assert "gossip" in r.rejected[0].reason and "policy" in r.rejected[0].reason

    def test_state_secret_and_attribution(self):
        r = run([{"id": "c1", "type": "content_published", "at": T.format("08:00"),
                  "site": "bg1", "state_secret": True,
                  "quoted_from": {"author": "A", "source": "Báo X"}}])
        assert kinds(r, "no_secrets") == ["prohibited_content"]
        [attr] = [v for v in r.violations if v.kind == "missing_attribution"]
        assert "published_at" in attr.message_en and "link" in attr.message_en

    def test_blank_attribution_is_missing(self):
        r = run([{"id": "c1", "type": "content_published", "at": T.format("08:00"),
                  "site": "bg1", "quoted_from": {"author": "  ", "source": "Báo X",
                                                 "published_at": T.format("07:00"),
                                                 "link": "https://example.vn/a"}}])
        [attr] = [v for v in r.violations if v.kind == "missing_attribution"]
        assert attr.message_en == "Quoted content lacks: author"

    def test_flags_are_booleans_not_words(self):
        """'yes' is not silently read as true."""
        r = run([{"id": "c1", "type": "content_published", "at": T.format("08:00"),
                  "site": "bg1", "state_secret": "yes"}])
        assert r.rejected[0].reason.startswith("state_secret:")

    def test_absent_attribution_fields_are_not_violations(self):
        r = run([{"id": "c1", "type": "content_published", "at": T.format("08:00"),
                  "site": "bg1"}])
        assert not [v for v in r.violations if v.rule_id in ("attribution", "no_secrets")]


class TestDuties:
    AS_OF = "2024-07-01T00:00:00+07:00"

    def test_oldest_open_period_first(self):
        """A late Q1 submission discharges Q1 (late), not Q2."""
        r = run([{"id": "s1", "type": "submission", "actor": "bdbp_tinh",
                  "kind": "media_product", "at": "2024-04-02T09:00:00+07:00"}],
                as_of=self.AS_OF, since="2024-01-15T00:00:00+07:00")
        mine = {o.period: o for o in r.obligations_for("quarterly_media")
                if o.actor == "bdbp_tinh"}
        assert mine["2024-Q1"].status == "late" and mine["2024-Q1"].fulfilled_by == "s1"
        assert mine["2024-Q2"].status == "missed"
        late = [v for v in r.violations if v.kind == "late"]
        assert late[0].when == "2024-04-02T09:00:00+07:00"

    def test_explicit_period(self):
        r = run([{"id": "s1", "type": "submission", "actor": "bdbp_tinh", "period": "2024-Q2",
                  "kind": "media_product", "at": "2024-04-02T09:00:00+07:00"}],
                as_of=self.AS_OF, since="2024-01-15T00:00:00+07:00")
        mine = {o.period: o.status for o in r.obligations_for("quarterly_media")
                if o.actor == "bdbp_tinh"}
        assert mine == {"2024-Q1": "missed", "2024-Q2": "met", "2024-Q3": "open"}

    def test_group_members_from_caller(self):
        r = run([], as_of=self.AS_OF, since="2024-01-15T00:00:00+07:00",
                actors={"so_tai_chinh": ["departments"]})
        owners = {o.actor for o in r.obligations_for("quarterly_media")}
        assert owners == {"bdbp_tinh", "so_ngoai_vu", "so_tai_chinh"}

    def test_unknown_group_in_actors(self):
        with pytest.raises(EvaluationError, match="not a group"):
            run([], actors={"x": ["nobody"]})

    def test_operator_role_from_sites(self):
        r = run([], as_of="2024-12-31T00:00:00+07:00", since="2024-01-15T00:00:00+07:00")
        # pb1's operator is so_tttt, the body the report is owed to: it owes itself nothing
        assert {o.actor for o in r.obligations_for("annual_report")} == {"bdbp_tinh"}
        due = r.obligations_for("annual_report")[0].due.isoformat()
        assert due == "2024-12-15T00:00:00+07:00"

    def test_backup_within_period(self):
        r = run([{"id": "k1", "type": "backup", "at": "2024-02-29T23:00:00+07:00"},
                 {"id": "k2", "type": "backup", "at": "2024-04-01T01:00:00+07:00"}],
                as_of="2024-04-15T00:00:00+07:00", since="2024-01-15T00:00:00+07:00")
        status = {o.period: o.status for o in r.obligations_for("monthly_backup")}
        assert status == {"2024-01": "missed", "2024-02": "met", "2024-03": "missed",
                          "2024-04": "met"}

    def test_backup_retention(self):
        r = run([{"id": "k1", "type": "backup", "at": "2024-01-31T10:00:00+07:00",
                  "site": "bg1"},
                 {"id": "x1", "type": "backup_deleted", "backup": "k1",
                  "at": "2024-07-30T10:00:00+07:00"},
                 {"id": "x2", "type": "backup_deleted", "backup": "gone",
                  "at": "2024-07-30T10:00:00+07:00"}],
                as_of="2024-08-01T00:00:00+07:00", since="2024-01-15T00:00:00+07:00")
        [v] = [v for v in r.violations if v.kind == "backup_retention"]
        assert v.events == ["k1", "x1"] and "2024-07-31" in v.message_en
        assert any("gone" in w for w in r.warnings)

    def test_triggered_working_days_and_exception(self):
        r = run([{"id": "d1", "type": "document_received", "doc_class": "legal_normative",
                  "at": "2024-04-26T10:00:00+07:00"},
                 {"id": "d2", "type": "document_received", "doc_class": "legal_normative",
                  "urgent": True, "at": "2024-04-26T10:00:00+07:00"},
                 {"id": "d3", "type": "document_received", "doc_class": "planning",
                  "at": "2024-04-26T10:00:00+07:00"},
                 {"id": "p1", "type": "document_published", "ref": "d1",
                  "at": "2024-05-09T16:00:00+07:00"}],
                as_of="2024-05-20T00:00:00+07:00", since="2024-01-15T00:00:00+07:00")
        docs = {o.trigger: o for o in r.obligations_for("document_update")}
        assert set(docs) == {"d1", "d2"}
        assert docs["d1"].due.isoformat() == "2024-05-10T00:00:00+07:00"
        assert docs["d1"].status == "met" and docs["d1"].period is None
        assert docs["d2"].due.isoformat() == "2024-04-27T00:00:00+07:00"
        assert docs["d2"].status == "missed"

    def test_operator_of_incident_site_owes_and_is_owed(self):
        r = run([{"id": "i1", "type": "incident", "site": "bg1", "category": "power",
                  "at": "2024-03-04T10:00:00+07:00"}])
        [o] = r.obligations_for("incident_report")
        assert o.actor == "bdbp_tinh" and o.owed_to == ["so_tttt"] and o.status == "open"

    def test_event_actor(self):
        r = run([{"id": "a1", "type": "activity_ended", "actor": "so_x",
                  "at": "2024-03-04T10:00:00+07:00"},
                 {"id": "n1", "type": "info_provided", "actor": "so_x", "ref": "a1",
                  "at": "2024-03-04T18:00:00+07:00"}])
        [o] = r.obligations_for("activity_info")
        assert (o.actor, o.status, o.fulfilled_by) == ("so_x", "met", "n1")


INCIDENT = {"id": "i1", "type": "incident", "site": "bg1", "category": "power",
            "at": "2024-03-04T10:00:00+07:00"}


class TestAnswers:
    """Events that answer a triggered duty by naming it (`match: ref`)."""

    INCIDENT = INCIDENT

    def report(self, **fields):
        answer = {"id": "r1", "type": "incident_reported", "incident": "i1",
                  "actor": "bdbp_tinh", "to": "so_tttt", "at": "2024-03-04T12:00:00+07:00"}
        return run([self.INCIDENT, answer | fields])

    def test_right_body_to_right_body_discharges(self):
        [o] = self.report().obligations_for("incident_report")
        assert (o.status, o.fulfilled_by) == ("met", "r1")
        assert not any("r1" in w for w in self.report().warnings)

    @pytest.mark.parametrize(("fields", "why"), [
        ({"to": "cong_an_tinh"}, "is addressed to cong_an_tinh, not to so_tttt"),
        ({"actor": "so_tttt"}, "comes from so_tttt, not from bdbp_tinh"),
        ({"at": "2024-03-04T09:00:00+07:00"}, "before i1"),
    ])
    def test_wrong_answer_discharges_nothing_and_says_why(self, fields, why):
        r = self.report(**fields)
        [o] = r.obligations_for("incident_report")
        assert o.fulfilled_by is None
        assert any(w.startswith("r1: answers i1 but ") and why in w for w in r.warnings)

    def test_answer_of_another_event_type_does_not_count(self):
        """An info_provided naming a received document is not its publication."""
        r = run([{"id": "d1", "type": "document_received", "doc_class": "legal_normative",
                  "at": "2024-03-04T10:00:00+07:00"},
                 {"id": "n1", "type": "info_provided", "actor": "so_x", "ref": "d1",
                  "at": "2024-03-04T11:00:00+07:00"}])
        [o] = r.obligations_for("document_update")
        assert o.fulfilled_by is None
        assert ("n1: info_provided names ref 'd1', whose duties info_provided does not "
                "discharge (they take document_published); it discharges nothing") in r.warnings

    def test_answer_to_an_event_that_raised_no_duty_is_quiet(self):
        """Reporting an incident the rule set asks no report of is no finding and no warning."""
        r = run([{"id": "i9", "type": "incident", "site": "bg1", "category": "power",
                  "at": "2024-03-04T10:00:00+07:00"},
                 {"id": "r9", "type": "incident_reported", "incident": "i9", "actor": "x",
                  "to": "so_tttt", "at": "2024-03-04T12:00:00+07:00"}],
                sites=[{"id": "bg1", "kind": "border_gate"}])
        assert r.obligations_for("incident_report") == []
        assert not [w for w in r.warnings if w.startswith("r9")]

    def test_answer_naming_no_event_is_reported(self):
        r = run([{"id": "r9", "type": "incident_reported", "incident": "nope",
                  "actor": "bdbp_tinh", "to": "so_tttt", "at": "2024-03-04T12:00:00+07:00"}])
        assert r.summary.events_applied == 1
        assert ("r9: incident_reported names incident 'nope', which no event of the stream "
                "has as its id; it discharges nothing") in r.warnings

    def test_submissions_at_the_same_instant_give_one_report_in_any_order(self):
        """Ties in time are broken by the submission itself, never by the input's order."""
        events = [{"type": "submission", "actor": "bdbp_tinh", "kind": "media_product",
                   "to": "so_tttt", "at": "2024-03-04T09:00:00+07:00"},
                  {"type": "submission", "actor": "bdbp_tinh", "kind": "media_product",
                   "at": "2024-03-04T09:00:00+07:00", "period": "2024-Q2"}]
        kw = {"since": "2024-01-15T00:00:00+07:00", "as_of": "2024-07-01T00:00:00+07:00"}
        assert run(events, **kw).model_dump() == run(events[::-1], **kw).model_dump()

    def test_an_answer_naming_nothing_is_reported(self):
        schema = RS.model_copy(update={"obligations": [
            ob.model_copy(update={"discharged_by": ob.discharged_by.model_copy(
                update={"event": "feedback_forwarded", "ref_field": "feedback"})})
            if ob.id == "incident_report" else ob for ob in RS.obligations]})
        r = quyche.evaluate(schema, [INCIDENT, {"id": "f9", "type": "feedback_forwarded",
                                                "actor": "bdbp_tinh", "at": T.format("12:00")}],
                            as_of="2024-03-05T00:00:00+07:00",
                            since="2024-03-04T00:00:00+07:00", sites=SITES)
        assert ("f9: feedback_forwarded names no feedback, so it answers nothing and "
                "discharges nothing") in r.warnings

    def test_submission_to_another_body_says_so(self):
        r = run([{"id": "s1", "type": "submission", "actor": "bdbp_tinh", "kind": "media_product",
                  "to": "so_tai_chinh", "at": "2024-03-04T09:00:00+07:00"}],
                since="2024-01-15T00:00:00+07:00")
        [q1] = [o for o in r.obligations_for("quarterly_media") if o.actor == "bdbp_tinh"]
        assert q1.fulfilled_by is None
        assert ("s1: submission of kind 'media_product' by 'bdbp_tinh' is addressed to "
                "'so_tai_chinh', not to so_tttt; it discharges nothing") in r.warnings

    def test_an_id_used_twice_is_pointed_out(self):
        r = run([INCIDENT, INCIDENT | {"at": "2024-03-04T11:00:00+07:00"},
                 {"id": "k1", "type": "backup", "site": "bg1", "at": T.format("01:00")},
                 {"id": "k1", "type": "backup", "site": "pb1", "at": T.format("02:00")},
                 {"id": "k2", "type": "backup", "site": "bg1", "at": T.format("01:00")}])
        reused = [w.split(":")[0] for w in r.warnings if "the id of more than one event" in w]
        assert reused == ["i1", "k1"]

    def test_an_id_used_twice_at_the_same_instant_or_by_a_backup(self):
        r = run([INCIDENT, INCIDENT | {"actor": "so_x"},
                 {"id": "k9", "type": "backup", "site": "bg1", "at": T.format("01:00")},
                 {"id": "k9", "type": "incident", "site": "bg1", "category": "power",
                  "at": T.format("02:00")}])
        reused = [w.split(":")[0] for w in r.warnings if "the id of more than one event" in w]
        assert reused == ["i1", "k9"]

    def test_an_id_used_in_two_partitions_is_pointed_out_after_merging(self):
        whole = run([INCIDENT, INCIDENT | {"at": "2024-03-04T11:00:00+07:00"}])
        merged = run([INCIDENT]).merge(run([INCIDENT | {"at": "2024-03-04T11:00:00+07:00"}]))
        assert merged.warnings == whole.warnings
        assert any(w.startswith("i1: the id of more than one event") for w in merged.warnings)

    def test_a_reused_backup_id_gives_the_same_report_in_any_order(self):
        events = [{"id": "k1", "type": "backup", "site": "bg1", "at": T.format("01:00")},
                  {"id": "k1", "type": "backup", "site": "pb1", "at": T.format("02:00")},
                  {"id": "d1", "type": "backup_deleted", "backup": "k1", "at": T.format("03:00")}]
        assert run(events).model_dump() == run(events[::-1]).model_dump()

    def test_duty_owed_to_oneself_is_no_duty(self):
        """The operator that is also the recipient owes itself nothing."""
        r = run([self.INCIDENT | {"site": "pb1"}],
                sites=[{"id": "pb1", "kind": "public_board", "operator": "so_tttt"}])
        assert r.obligations_for("incident_report") == []
        assert not [v for v in r.violations if v.rule_id == "incident_report"]


class TestInput:
    def test_rejections_name_the_field(self):
        r = run([{"type": "broadcast", "site": "bg1", "start": "2024-03-04T07:00:00"},
                 {"type": "teleport"}, "not a dict",
                 {"id": "s", "type": "submission", "actor": "x", "kind": "nope",
                  "at": T.format("08:00")},
                 seg("late", "bg1", "07:00", "08:00") | {"start": "2024-03-06T07:00:00+07:00",
                                                          "end": "2024-03-06T08:00:00+07:00"},
                 seg("ghost", "zz", "07:00", "08:00")])
        reasons = [x.reason for x in r.rejected]
        assert "start: datetime has no UTC offset" in reasons[0]
        assert "end: field required" in reasons[0]
        assert "unknown event type 'teleport'" in reasons[1]
        assert "JSON object" in reasons[2]
        assert "media_product" in reasons[3]
        assert "as_of" in reasons[4]
        assert "site registry" in reasons[5]
        assert [x.index for x in r.rejected] == [0, 1, 2, 3, 4, 5]
        assert r.summary.events_read == 6 and r.summary.events_rejected == 6

    def test_fast_and_model_paths_agree(self):
        """A broadcast dict and the same event as a model give the same report."""
        from quyche.events import validate_event

        raw = [seg("a", "bg1", "07:00", "10:00", language="vi")]
        assert run(raw).model_dump() == run([validate_event(raw[0])]).model_dump()

    def test_naive_as_of(self):
        with pytest.raises(EvaluationError, match="as_of"):
            run([], as_of="2024-03-05T00:00:00")

    def test_since_after_as_of(self):
        with pytest.raises(EvaluationError):
            run([], since="2024-04-01T00:00:00+07:00")

    def test_bad_site_registry(self):
        with pytest.raises(EvaluationError, match="harbour"):
            run([], sites=[{"id": "x", "kind": "harbour"}])
        with pytest.raises(EvaluationError, match=r"sites\[0\] \(x\): kind: field required"):
            run([], sites=[{"id": "x"}])
        with pytest.raises(EvaluationError, match="the same id as sites"):
            run([], sites=[{"id": "x", "kind": "border_gate"}, {"id": "x", "kind": "border_gate"}])
        with pytest.raises(EvaluationError, match="sites: expected a list of sites"):
            run([], sites={"x": {"kind": "border_gate"}})

    @pytest.mark.parametrize("actors", [["so_x"], "so_x", {"so_x": 3}, {"so_x": "departments"}])
    def test_bad_actor_groups(self, actors):
        with pytest.raises(EvaluationError, match="actors"):
            run([], actors=actors)

    @pytest.mark.parametrize("events", [{"type": "broadcast"}, None, 3, "x"])
    def test_events_must_be_iterable_of_events(self, events):
        with pytest.raises(EvaluationError, match="events: expected an iterable"):
            run(events)

    def test_site_without_operator_is_pointed_out(self):
        r = run([], sites=[{"id": "bg9", "kind": "border_gate"}])
        assert r.obligations_for("annual_report") == []
        assert any(w.startswith("site bg9 names no operator") and "annual_report" in w
                   for w in r.warnings)
        assert not [w for w in run([]).warnings if "no operator" in w]

    def test_unknown_engine(self):
        with pytest.raises(EvaluationError, match="engine"):
            run([], engine="quantum")


MERGE_EVENTS = (seg("a", "bg1", "07:00", "10:00"), seg("b", "pb1", "07:30", "11:00"),
                seg("c", "bg1", "13:00", "16:30"), {"type": "nope", "id": "z"})


class TestMerge:
    EVENTS = MERGE_EVENTS

    def test_partitions_merge_into_whole(self):
        whole = run(self.EVENTS)
        part1 = run([e for e in self.EVENTS if e.get("site") == "bg1"])
        part2 = run([e for e in self.EVENTS if e.get("site") != "bg1"])
        merged = part1.merge(part2).model_dump()
        expected = whole.model_dump()
        for report in (merged, expected):
            report["rejected"] = [(r["id"], r["reason"]) for r in report["rejected"]]
        assert merged == expected

    def test_merge_refuses_other_arguments(self):
        with pytest.raises(MergeError):
            run([]).merge(run([], as_of="2024-03-06T00:00:00+07:00"))


class TestFindingsDetail:
    def test_exception_is_named_and_cited(self):
        """An urgent document's same-day deadline names the exception and cites its clause."""
        r = run([{"id": "d2", "type": "document_received", "doc_class": "legal_normative",
                  "urgent": True, "at": "2024-03-04T10:00:00+07:00"}],
                as_of="2024-03-06T00:00:00+07:00")
        [o] = r.obligations_for("document_update")
        assert o.exception == "urgent" and o.source.quote == "ngay trong ngày"
        [v] = r.violations_for("document_update")
        assert "exception urgent: the same day" in v.message_en

    def test_emergency_time_does_not_count_towards_a_maximum(self, tmp_path):
        text = (Path(__file__).parent / "data" / "sample.yaml").read_text(encoding="utf-8")
        capped = quyche._load.load_text(text.replace("      min_hours: 6\n",
                                                      "      min_hours: 6\n      max_hours: 8\n"))
        events = [{"id": "e", "type": "emergency", "start": T.format("00:00"),
                   "end": T.format("12:00")}, seg("b", "bg1", "13:00", "19:00")]
        r = quyche.evaluate(capped, events, as_of="2024-03-05T00:00:00+07:00",
                            since="2024-03-04T00:00:00+07:00", sites=SITES)
        assert kinds(r, "daily_minimum") == []

    def test_submission_that_discharges_nothing_is_reported(self):
        r = run([{"id": "s9", "type": "submission", "actor": "ubnd_x", "kind": "media_product",
                  "at": T.format("09:00")}])
        assert any("s9" in w and "ubnd_x" in w and "actors=" in w for w in r.warnings)

    def test_backup_without_site_is_held_to_retention(self):
        r = run([{"id": "k1", "type": "backup", "at": "2024-01-31T10:00:00+07:00"},
                 {"id": "x1", "type": "backup_deleted", "backup": "k1",
                  "at": "2024-03-04T10:00:00+07:00"}], since="2024-01-15T00:00:00+07:00")
        assert kinds(r, "backup_retention") == ["backup_retention"]

    def test_languages_of_all_policies_for_a_kind_are_allowed(self):
        """A plan policy for the same kind of site widens what a limit policy allows."""
        text = (Path(__file__).parent / "data" / "sample.yaml").read_text(encoding="utf-8")
        wider = quyche._load.load_text(text.replace(
            "  policies:\n", "  policies:\n    - {id: translations, site_kinds: [border_gate], "
            "allowed: [lo], mode: plan, source: {article: 11, quote: \"tiếng Lào\"}}\n"))
        events = [seg("a", "bg1", "07:00", "10:00", language="lo"),
                  seg("b", "bg1", "13:00", "16:00", language="fr")]
        r = quyche.evaluate(wider, events, as_of="2024-03-05T00:00:00+07:00",
                            since="2024-03-04T00:00:00+07:00", sites=SITES)
        [v] = [v for v in r.violations if v.kind == "language_not_allowed"]
        assert v.events == ["b"] and v.rule_id == "border_languages"


def test_segments_before_since_are_applied_not_stored():
    """A valid segment wholly before the first checked day counts as applied and finds nothing."""
    r = run([seg("a", "bg1", "07:00", "10:00") | {"start": "2024-03-01T07:00:00+07:00",
                                                   "end": "2024-03-01T10:00:00+07:00"}])
    assert r.summary.events_applied == 1 and not r.rejected
    assert r._ledger.coverage == {}


def test_since_never_before_the_in_force_date():
    """Rules apply only while the instrument is in force: an earlier since is moved to it."""
    r = run([], since="2023-06-01T00:00:00+07:00", as_of="2024-02-01T00:00:00+07:00")
    assert r.since.isoformat() == "2024-01-15T00:00:00+07:00"
    assert {o.period for o in r.obligations_for("monthly_backup")} == {"2024-01", "2024-02"}
    with pytest.raises(EvaluationError, match="in-force"):
        run([], since="2023-06-01T00:00:00+07:00", as_of="2023-12-01T00:00:00+07:00")


def test_report_instants_are_in_the_standard_zone():
    """Report datetimes carry zoneinfo's Asia/Ho_Chi_Minh, whatever offset the caller wrote."""
    from zoneinfo import ZoneInfo

    r = run([], as_of="2024-03-04T17:00:00Z", since="2024-03-04T00:00:00+07:00")
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    assert r.as_of.tzinfo == local and r.as_of.isoformat() == "2024-03-05T00:00:00+07:00"
    assert r.since.tzinfo == local
    assert r.obligations and all(o.due.tzinfo == local for o in r.obligations)


_ASK = {"id": "q1", "type": "request", "actor": "ubnd_tinh", "to": "so_tttt",
        "kind": "report", "at": "2024-09-16T09:00:00+07:00"}


class TestRequests:
    """A `request` raises its duties on the body asked, owed to the asker."""

    def test_due_not_after_the_request_is_rejected(self):
        """A request due at or before the moment it is made is bad input, naming `due`."""
        bad = {**_ASK, "due": "2024-09-16T09:00:00+07:00"}
        report = quyche.evaluate("angiang", [bad], as_of="2024-10-01T00:00:00+07:00",
                                 since="2024-09-01T00:00:00+07:00")
        assert [r.reason.split(":")[0] for r in report.rejected] == ["due"]

    def test_the_request_due_prevails_over_the_deadline(self):
        """The request's own date is the due instant; no exception is reported."""
        ask = {**_ASK, "due": "2024-09-30T17:00:00+07:00"}
        report = quyche.evaluate("angiang", [ask], as_of="2024-10-01T00:00:00+07:00",
                                 since="2024-09-01T00:00:00+07:00")
        duty, = report.obligations_for("ad_hoc_report")
        assert (duty.actor, duty.owed_to, duty.due.isoformat(), duty.exception) == (
            "so_tttt", ["ubnd_tinh"], "2024-09-30T17:00:00+07:00", None)

    def test_the_same_in_both_partitions(self):
        """Reports of two partitions of requests and answers merge into the whole."""
        answer = {"id": "a1", "type": "info_provided", "actor": "so_tttt", "ref": "q1",
                  "at": "2024-09-18T09:00:00+07:00"}
        kw = {"as_of": "2024-10-01T00:00:00+07:00", "since": "2024-09-01T00:00:00+07:00"}
        whole = quyche.evaluate("angiang", [_ASK, answer], **kw)
        merged = quyche.evaluate("angiang", [_ASK], **kw).merge(
            quyche.evaluate("angiang", [answer], **kw))
        assert merged.model_dump() == whole.model_dump()
        assert whole.obligations_for("ad_hoc_report")[0].status == "met"

    def test_a_request_duty_names_no_recipient(self):
        """A duty raised by a request is owed to whoever asks: owed_to is refused."""
        from pydantic import ValidationError

        from quyche.model import Obligation

        ob = quyche.load("angiang").obligation("ad_hoc_report").model_dump()
        ob["owed_to"] = ["ubnd_tinh"]
        with pytest.raises(ValidationError, match="whoever asked"):
            Obligation.model_validate(ob)


class TestReferences:
    """An event naming another that is not in the stream is warned in every rule set."""

    @pytest.mark.parametrize("name", quyche.rule_sets())
    def test_unknown_incident_is_warned_everywhere(self, name):
        """The same warning for `incident_reported` naming no incident, whatever the rule set."""
        ev = {"id": "p1", "type": "incident_reported", "incident": "ghost", "actor": "so_tttt",
              "to": "ubnd_tinh", "at": "2026-08-05T10:00:00+07:00"}
        report = quyche.evaluate(name, [ev], as_of="2026-09-01T00:00:00+07:00",
                                 since="2026-08-01T00:00:00+07:00")
        assert ("p1: incident_reported names incident 'ghost', which no event of the stream "
                "has as its id; it discharges nothing") in report.warnings, report.warnings


def test_dates_name_whole_local_days():
    """as_of as a date is the end of that day, since its start; strings 'YYYY-MM-DD' too."""
    import datetime as dt

    by_date = run([seg("a", "bg1", "07:00", "10:00")], as_of=dt.date(2024, 3, 4),
                  since=dt.date(2024, 3, 4))
    by_instant = run([seg("a", "bg1", "07:00", "10:00")], as_of="2024-03-05T00:00:00+07:00",
                     since="2024-03-04T00:00:00+07:00")
    by_text = run([seg("a", "bg1", "07:00", "10:00")], as_of="2024-03-04", since="2024-03-04")
    assert by_date.model_dump() == by_instant.model_dump() == by_text.model_dump()
    with pytest.raises(EvaluationError, match="as_of"):
        run([], as_of="2024-02-30")
