"""Tests for `quyche._load` (the rule-set loader)."""

from pathlib import Path

import pytest
from pydantic import ValidationError

import quyche
from quyche import InterpretationError, RuleSetError, RuleSetNotFound
from quyche._load import dump, load_text

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample.yaml"
TEXT = SAMPLE.read_text(encoding="utf-8")


def problems(text, name="x.yaml"):
    with pytest.raises(RuleSetError) as info:
        load_text(text, name)
    return [str(p) for p in info.value.problems]


class TestYaml:
    def test_duplicate_key_named_with_line(self):
        """PyYAML silently keeps the last of two keys; we refuse, naming the line."""
        text = "schema_version: 1\nid: a\nid: b\n"
        found = problems(text)
        assert any("duplicate key 'id'" in p and p.startswith("x.yaml:3:1:") for p in found)

    def test_all_problems_at_once(self):
        """A duplicate key does not hide the schema problems of the same file."""
        text = TEXT.replace("name: Mẫu", "name: Mẫu\nname: Again").replace(
            "subject: information_cluster", "subject: nope")
        found = problems(text)
        assert any("duplicate key 'name'" in p for p in found)
        assert any("subject" in p for p in found)

    def test_syntax_error_located(self):
        found = problems("a: [1, 2\nb: 3\n")
        assert found[0].startswith("x.yaml:") and "YAML syntax" in found[0]

    def test_sexagesimal_time_stays_a_string(self):
        """13:30 unquoted is the integer 810 in YAML 1.1; our loader keeps the string."""
        rs = load_text(TEXT.replace('end: "18:00"', "end: 18:00"), "s.yaml")
        windows = rs.broadcast.rules[1].required_windows
        assert windows[1].end == "18:00"

    def test_norway_problem(self):
        """`no` is a string, not false (YAML 1.2 core schema)."""
        found = problems(TEXT.replace("status: in_force", "status: no"))
        assert any("instrument.status" in p and "'no'" in p for p in found)

    def test_empty_file(self):
        assert "empty" in problems("")[0]

    def test_not_a_mapping(self):
        assert "mapping" in problems("- 1\n- 2\n")[0]

    def test_no_code_execution(self):
        """Python tags are refused by the safe loader."""
        found = problems("!!python/object/apply:os.system ['true']\n")
        assert found


class TestSchemaErrors:
    def test_unknown_key_lists_expected(self):
        found = problems(TEXT.replace("    owed_to: [so_tttt]\n    recurrence: {every: quarter",
                                      "    owed_to: [so_tttt]\n    recurence: {every: year}\n"
                                      "    recurrence: {every: quarter", 1))
        hit = next(p for p in found if "recurence" in p)
        assert "unknown key 'recurence'" in hit and "expected one of" in hit
        assert hit.startswith("x.yaml:")
        assert "obligations[0].recurence" in hit

    def test_error_points_at_line(self):
        text = TEXT.replace("min_hours: 6\n", "min_hours: -6\n")
        found = problems(text)
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "min_hours: -6" in row)
        assert any(p.startswith(f"x.yaml:{line}:") and "min_hours" in p for p in found)

    def test_discriminated_constraint_path_has_no_tag(self):
        found = problems(TEXT.replace("retention: {months: 6}", "retention: {months: 6, days: 1}"))
        assert any("constraints[3].retention" in p for p in found)


class TestCrossReferences:
    def test_unknown_actor(self):
        found = problems(TEXT.replace("owed_by: [departments, bdbp_tinh]",
                                      "owed_by: [departments, nobody]"))
        assert any("obligations[0].owed_by[1]" in p and "unknown actor 'nobody'" in p
                   for p in found)

    def test_reporting_data_period_needs_a_yearly_duty_and_a_reporting_period(self):
        found = problems(TEXT.replace("    recurrence: {every: quarter, month: 3, day: 15}",
                                      "    data_period: reporting\n"
                                      "    recurrence: {every: quarter, month: 3, day: 15}"))
        assert any("obligations[0].data_period" in p and "reporting.period" in p
                   for p in found)

    def test_schema_errors_do_not_hide_cross_references(self):
        """One run reports a broken item and an unknown actor elsewhere, in file numbering."""
        text = (TEXT.replace("    deadline: {working_days: 7}", "    deadline: {working_days: -7}")
                .replace("  - id: activity_info\n", "  - id: activity_info\n    bogus: 1\n")
                .replace("owed_by: [departments, bdbp_tinh]", "owed_by: [departments, nobody]"))
        found = problems(text)
        assert any("obligations[4].deadline.working_days" in p for p in found), found
        assert any("obligations[5]" in p and "unknown key 'bogus'" in p for p in found), found
        assert any("obligations[0].owed_by[1]" in p and "unknown actor 'nobody'" in p
                   for p in found), found
        assert len(found) == 3, found

    def test_paths_after_a_set_aside_item_keep_the_file_numbering(self):
        text = (TEXT.replace("    deadline: {working_days: 7}", "    deadline: {working_days: -7}")
                .replace("    owed_to: [ban_bien_tap]\n    trigger: {event: activity_ended}",
                         "    owed_to: [nobody]\n    trigger: {event: activity_ended}"))
        found = problems(text)
        assert any("obligations[5].owed_to[0]" in p and "unknown actor 'nobody'" in p
                   for p in found), found

    def test_interpretation_of_a_broken_item_is_not_reported_twice(self):
        text = TEXT.replace("      parts:\n", "      parts:\n", 1).replace(
            "    - id: daily_minimum\n", "    - id: daily_minimum\n      colour: red\n", 1)
        found = problems(text)
        assert any("unknown key 'colour'" in p for p in found), found
        assert not any("morning_ends" in p or "interpretations[" in p for p in found), found

    def test_unknown_site_kind_and_kind(self):
        text = TEXT.replace("site_kinds: [public_board]\n      day_kinds",
                            "site_kinds: [harbour]\n      day_kinds").replace(
            "kind: operator_report}", "kind: annual_thing}")
        found = problems(text)
        assert any("unknown site kind 'harbour'" in p for p in found)
        assert any("unknown submission kind 'annual_thing'" in p for p in found)

    def test_duplicate_ids(self):
        found = problems(TEXT.replace("id: annual_report", "id: quarterly_media"))
        assert any("duplicate id 'quarterly_media'" in p for p in found)

    def test_bad_language_code(self):
        found = problems(TEXT.replace("codes: [tyz, hmn]", "codes: [tyz, xx]"))
        assert any("'xx' is not ISO 639" in p for p in found)

    def test_interpretation_must_match_value(self):
        found = problems(TEXT.replace('value: "12:00"', 'value: "11:00"'))
        assert any("interpretations[0].value" in p for p in found)

    def test_interpretation_path_must_exist(self):
        found = problems(TEXT.replace("parts.morning.window.end", "parts.noon.window.end"))
        assert any("path not found" in p for p in found)


class TestLoad:
    def test_bundled_names(self):
        """The bundled ids are exactly the rules/*.yaml files, sorted."""
        shipped = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))
        assert quyche.rule_sets() == shipped and "kontum" in shipped

    def test_path(self):
        assert quyche.load(SAMPLE).id == "sample"

    def test_not_found(self):
        with pytest.raises(RuleSetNotFound) as info:
            quyche.load("atlantis")
        assert "bundled" in str(info.value) and "did you mean" not in str(info.value)

    def test_names_ignore_case_and_accents(self):
        """A bundled id may be written as the province is: 'KonTum', 'Lai Châu'."""
        name = quyche.rule_sets()[0]
        assert quyche.load(name.upper()) is quyche.load(name)
        assert quyche.load("Lai Châu").id == "laichau"

    def test_near_miss_suggests(self):
        """A misspelt id names the bundled rule set it is closest to."""
        name = quyche.rule_sets()[0]
        with pytest.raises(RuleSetNotFound, match=f"did you mean '{name}'"):
            quyche.load(name[:-1] + "x")

    def test_a_checkout_path_names_the_bundled_id(self, tmp_path):
        """`rules/x.yaml` where no checkout is: the message names the bundled id `x`."""
        name = quyche.rule_sets()[0]
        with pytest.raises(RuleSetNotFound, match=f"the bundled one is '{name}'"):
            quyche.load(tmp_path / "rules" / f"{name}.yaml")

    def test_override(self):
        rs = quyche.load(SAMPLE, interpretations={"morning_ends": "11:00"})
        assert rs.broadcast.rules[0].parts[0].window.end == "11:00"
        assert next(i for i in rs.interpretations if i.id == "morning_ends").value == "11:00"

    def test_override_unknown(self):
        with pytest.raises(InterpretationError, match="no interpretation"):
            quyche.load(SAMPLE, interpretations={"nope": 1})

    def test_override_invalid_value(self):
        with pytest.raises(InterpretationError, match="not accepted"):
            quyche.load(SAMPLE, interpretations={"morning_ends": "25:00"})

    def test_dump_round_trip(self):
        rs = quyche.load(SAMPLE)
        assert load_text(dump(rs), "again.yaml") == rs

    def test_rule_sets_are_frozen(self):
        rs = quyche.load(SAMPLE)
        with pytest.raises(ValidationError):
            rs.id = "other"
