"""The example logs under examples/ find exactly what their READMEs say they find.

Each README gives the command to run and the headline findings in prose: which duties
are late or missed, which days are short and why, which events are rejected, each with
its article. These tests run every example through `quyche.evaluate` as that command
does (the log read with `read_jsonl`, the registry with `yaml.safe_load`) and assert
those findings, so that a change to a rule set, the engine or `examples/generate.py`
that changes what an example shows fails here instead of leaving the prose wrong.
When one fails on purpose: regenerate, then update the README and this file together.

The short worked examples at the end of docs/events.md are checked the same way: their
events are run again and must give the very records the page shows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import quyche
from quyche.cli import app
from quyche.events import read_jsonl

ROOT = Path(__file__).resolve().parent.parent / "examples"
MAX_BYTES = 3_000_000

# as_of and since of each README's command (None: the rule set's in-force date).
WINDOWS = {
    "kontum": ("2024-12-31T23:59:59+07:00", None),
    "laichau": ("2025-01-31T23:59:59+07:00", None),
    "caobang": ("2025-01-31T23:59:59+07:00", "2024-02-01T00:00:00+07:00"),
    "angiang": ("2025-01-31T23:59:59+07:00", "2024-08-01T00:00:00+07:00"),
    "tuyenquang": ("2027-01-31T23:59:59+07:00", "2026-07-01T00:00:00+07:00"),
}

# The README's summary line: events read / applied, obligations by status, violations by kind.
SUMMARIES = {
    "kontum": (11401, 11399, {"open": 2, "met": 96, "late": 4, "missed": 6},
               {"broadcast_hours": 1, "broadcast_part": 2, "language_not_allowed": 1,
                "late": 4, "missed": 6, "no_broadcast": 2}),
    "laichau": (5294, 5292, {"open": 11, "met": 45, "late": 4, "missed": 3},
                {"backup_retention": 2, "broadcast_hours": 1, "broadcast_part": 2,
                 "language_not_allowed": 1, "late": 4, "missed": 3, "no_broadcast": 2}),
    "caobang": (5411, 5409, {"open": 10, "met": 71, "late": 5, "missed": 2},
                {"broadcast_hours": 1, "broadcast_window": 2, "late": 5, "missed": 2,
                 "no_broadcast": 2}),
    "angiang": (4757, 4755, {"open": 9, "met": 19, "late": 2, "missed": 3},
                {"broadcast_hours": 1, "broadcast_window": 2, "language_not_allowed": 1,
                 "late": 2, "missed": 3, "no_broadcast": 2, "prohibited_content": 1}),
    "tuyenquang": (2141, 2139, {"open": 23, "met": 831, "late": 6, "missed": 4},
                   {"language_not_allowed": 1, "late": 6, "missed": 4,
                    "missing_attribution": 2, "prohibited_content": 1}),
}

# Rejected events: (index, id, a piece of the reason).
REJECTED = {
    "kontum": [(8330, "bad-naive-time", "start: datetime has no UTC offset"),
               (10776, "bad-unknown-kind", "'maintenance_plan' is not a submission kind")],
    "laichau": [(2123, "bad-naive-time", "start: datetime has no UTC offset"),
                (3673, "bad-unknown-kind", "'maintenance_plan' is not a submission kind")],
    "caobang": [(2705, "bad-unknown-kind", "'review_report' is not a submission kind"),
                (4025, "bad-naive-time", "start: datetime has no UTC offset")],
    "angiang": [(1933, "bad-unknown-kind", "'media_product' is not a submission kind"),
                (3464, "bad-naive-time", "start: datetime has no UTC offset")],
    "tuyenquang": [(331, "bad-unknown-kind", "'media_product' is not a submission kind"),
                   (1862, "bad-naive-time", "at: datetime has no UTC offset")],
}


def V(rule_id: str, kind: str, who: str, when: str, article: tuple, **more: Any) -> dict:
    """A violation the README names: `who` is the site of a day or content finding, else
    the actor; `when` the local date, or the start of the instant; `article` (Điều,
    khoản, điểm)."""
    site_kinds = ("no_broadcast", "broadcast_hours", "broadcast_part", "broadcast_window",
                  "language_not_allowed", "prohibited_content", "missing_attribution")
    key = "site" if kind in site_kinds else "actor"
    return {"rule_id": rule_id, "kind": kind, key: who, "when": when, "article": article,
            **more}


# Every violation of each example (their number is fixed by SUMMARIES).
VIOLATIONS = {
    "kontum": [
        V("daily_minimum", "no_broadcast", "bo_y", "2024-02-08", (6, 1, None)),
        V("quarterly_media_products", "late", "so_tai_chinh", "2024-03-20T15:25", (8, 2, None),
          period="2024-Q1"),
        V("monthly_content_provision", "missed", "so_tttt", "2024-07-01T00:00", (8, 1, "c"),
          period="2024-06", message="→ bdbp_tinh"),
        V("monthly_content_provision", "missed", "so_tttt", "2024-07-01T00:00", (8, 1, "c"),
          period="2024-06", message="→ ubnd_huyen_dak_ha"),
        V("monthly_content_provision", "missed", "so_tttt", "2024-07-01T00:00", (8, 1, "c"),
          period="2024-06", message="→ ubnd_huyen_ngoc_hoi"),
        V("monthly_content_provision", "missed", "so_tttt", "2024-07-01T00:00", (8, 1, "c"),
          period="2024-06", message="→ ubnd_tp_kon_tum"),
        V("daily_minimum", "broadcast_hours", "bang_tin_dak_ha", "2024-07-12", (6, 1, None),
          message="5.22 h"),
        V("daily_minimum", "broadcast_part", "bang_tin_dak_ha", "2024-07-12", (6, 1, None),
          message="afternoon_evening (12:00-24:00): 1.30 h"),
        V("incident_report", "missed", "so_tttt", "2024-07-18T10:30", (7, 3, None),
          events=["inc-bang_tin_ngoc_hoi-20240717-1030"]),
        V("daily_minimum", "no_broadcast", "bo_y", "2024-08-27", (6, 1, None)),
        V("incident_report", "late", "so_tttt", "2024-10-04T08:00", (7, 3, None),
          events=["inc-bang_tin_kon_tum-20241001-1400"]),
        V("daily_minimum", "broadcast_part", "bo_y", "2024-11-11", (6, 1, None),
          message="morning (00:00-12:00): 1.42 h"),
        V("border_gate_languages", "language_not_allowed", "bo_y", "2024-11-15T18:37",
          (8, 1, "a"), events=["bc-bo_y-20241115-09"], message="'zh'"),
        V("monthly_promo_videos", "late", "bao_tinh", "2024-11-25T16:40", (8, 3, None),
          period="2024-11"),
        V("annual_operator_report", "late", "ubnd_huyen_dak_ha", "2024-12-23T09:45",
          (12, 1, None), period="2024"),
        V("annual_summary_report", "missed", "so_tttt", "2024-12-30T00:00", (12, 2, None),
          period="2024"),
    ],
    "laichau": [
        V("incident_report_to_operator", "missed", "so_tttt", "2024-07-31T15:35", (9, 3, None),
          events=["inc-ma_lu_thang-20240730-1535"]),
        V("incident_reporting", "late", "bql_kkt", "2024-08-21T18:10", (12, 2, None),
          events=["inc-ma_lu_thang-20240819-1210",
                  "re-inc-ma_lu_thang-20240819-1210-incident_reporting"]),
        V("daily_minimum", "broadcast_hours", "bang_tin_tp_lai_chau", "2024-08-29",
          (8, 1, None), message="5.38 h"),
        V("daily_minimum", "broadcast_part", "bang_tin_tp_lai_chau", "2024-08-29",
          (8, 1, None), message="afternoon (12:00-18:00): 1.22 h"),
        V("daily_minimum", "no_broadcast", "bang_tin_tp_lai_chau", "2024-09-02", (8, 1, None)),
        V("border_gate_languages", "language_not_allowed", "ma_lu_thang", "2024-10-13T12:42",
          (2, 2, None), events=["bc-ma_lu_thang-20241013-06"], message="'th'"),
        V("daily_minimum", "no_broadcast", "bang_tin_tam_duong", "2024-10-26", (8, 1, None)),
        V("periodic_backup", "missed", "so_tttt", "2024-11-01T00:00", (10, 1, "a"),
          period="2024-10"),
        V("annual_summary_report", "missed", "so_tttt", "2024-12-20T00:00", (14, 2, None),
          period="2024"),
        V("quarterly_media_products", "late", "so_ngoai_vu", "2024-12-30T12:25",
          (10, 1, "b"), period="2024-Q4"),
        V("annual_budget_estimate", "late", "bql_kkt", "2025-01-03", (13, 2, "b"),
          period="2024"),
        V("backup_retention", "backup_retention", "so_tttt", "2025-01-07T22:10", (10, 1, "a"),
          site="ma_lu_thang", events=["bk-ma_lu_thang-202411", "del-bk-ma_lu_thang-202411"]),
        V("backup_retention", "backup_retention", "so_tttt", "2025-01-29T22:20", (10, 1, "a"),
          site="ma_lu_thang", events=["bk-ma_lu_thang-202407", "del-bk-ma_lu_thang-202407"]),
        V("foreign_info_plan", "late", "so_tttt", "2025-01-10", (10, 1, "a"), period="2024"),
        V("daily_minimum", "broadcast_part", "bang_tin_tp_lai_chau", "2025-01-17",
          (8, 1, None), message="morning (00:00-12:00): 0.92 h"),
    ],
    "caobang": [
        V("working_day_hours", "broadcast_hours", "trung_khanh", "2024-04-22", (8, 1, "a"),
          message="5.33 h"),
        V("working_day_hours", "broadcast_window", "trung_khanh", "2024-04-22", (8, 1, "a"),
          message="13:30-18:00 not covered for 185 min"),
        V("working_day_hours", "no_broadcast", "trung_khanh", "2024-05-04", (8, 1, "a"),
          message="working day"),
        V("working_day_hours", "broadcast_window", "trung_khanh", "2024-05-21", (8, 1, "a"),
          message="07:30-11:00 not covered for 165 min"),
        V("incident_report", "late", "ubnd_huyen_trung_khanh", "2024-08-11T08:40",
          (8, 3, None), events=["inc-trung_khanh-20240809-1640"]),
        V("monthly_content_to_clusters", "late", "so_tttt", "2024-11-11", (7, 1, None),
          period="2024-10", message="→ ubnd_huyen_quang_hoa"),
        V("monthly_content_to_clusters", "late", "so_tttt", "2024-11-11", (7, 1, None),
          period="2024-10", message="→ ubnd_huyen_trung_khanh"),
        V("annual_summary_report", "missed", "so_tttt", "2024-12-20T00:00", (15, 2, None),
          period="2024"),
        V("annual_report", "late", "dai_ptth", "2024-12-23", (15, 1, None), period="2024"),
        V("working_day_hours", "no_broadcast", "ta_lung", "2024-12-24", (8, 1, "a")),
        V("feedback_forward", "missed", "ubnd_huyen_trung_khanh", "2025-01-04T12:50",
          (8, 5, None), events=["fb-ubnd_huyen_trung_khanh-20250103"]),
        V("annual_production_plan", "late", "so_tttt", "2025-01-07", (7, 4, None),
          period="2024"),
    ],
    "angiang": [
        V("daily_operation", "broadcast_window", "vinh_xuong", "2024-08-18", (4, 3, "-1"),
          message="07:00-11:00 not covered for 155 min"),
        V("daily_operation", "broadcast_hours", "vinh_xuong", "2024-08-28", (4, 3, "-1"),
          message="5.67 h"),
        V("daily_operation", "broadcast_window", "vinh_xuong", "2024-08-28", (4, 3, "-1"),
          message="14:00-18:00 not covered for 160 min"),
        V("daily_operation", "no_broadcast", "tinh_bien", "2024-09-19", (4, 3, "-1")),
        V("feedback_forward_bql_kkt", "missed", "bql_kkt", "2024-09-30T10:10", (8, 2, "b"),
          events=["fb-bql_kkt-20240929"]),
        V("border_gate_languages", "language_not_allowed", "khanh_binh", "2024-11-14T15:25",
          (4, 2, "c"), events=["bc-khanh_binh-20241114-06"], message="'zh'"),
        V("feedback_forward_bdbp", "late", "bdbp_tinh", "2024-11-16T10:40", (7, 1, None),
          events=["fb-bdbp_tinh-20241113"]),
        V("monthly_backup", "missed", "so_tttt", "2024-12-01T00:00", (6, 5, None),
          period="2024-11"),
        V("no_state_secrets", "prohibited_content", "vinh_xuong", "2024-12-24T08:15",
          (4, 2, "b"), events=["cp-vinh_xuong-20241224-1"]),
        V("daily_operation", "no_broadcast", "tinh_bien", "2025-01-01", (4, 3, "-1"),
          message="holiday"),
        V("annual_maintenance_plan", "missed", "so_tttt", "2025-01-01T00:00", (6, 6, None),
          period="2024"),
        V("annual_budget_estimate", "late", "so_tttt", "2025-01-08T10:15", (6, 7, None),
          period="2024"),
    ],
    "tuyenquang": [
        V("other_info", "late", "so_khcn", "2026-07-09T08:20", (6, 2, "b"),
          events=["sig-20260702-1"]),
        V("administrative_update", "missed", "ban_bien_tap", "2026-09-22T00:00", (7, 2, None),
          events=["doc-20260917-3"]),
        V("activity_info", "late", "tt_thong_tin_hoi_nghi", "2026-09-25T08:45", (6, 2, "a"),
          events=["act-20260923-3"]),
        V("legal_normative_update", "missed", "ban_bien_tap", "2026-09-26T00:00",
          (7, 2, None), events=["doc-20260916-2"]),
        V("no_state_secrets", "prohibited_content", "trang_phuong_minh_xuan",
          "2026-11-13T10:50", (4, None, None),
          events=["cp-trang_phuong_minh_xuan-20261113-1"]),
        V("quoted_content_attribution", "missing_attribution", "cong_ttdt", "2026-11-17T11:40",
          (6, 1, "c"), message="lacks: link"),
        V("quoted_content_attribution", "missing_attribution", "trang_so_tai_chinh",
          "2026-12-03T08:05", (6, 1, "c"), message="lacks: author, published_at"),
        V("portal_versions", "language_not_allowed", "cong_ttdt", "2026-12-23T13:25",
          (2, 2, None), message="'zh'"),
        V("board_annual_report", "missed", "ban_bien_tap", "2027-01-01T00:00", (12, 8, None),
          period="2026"),
        V("site_annual_report", "missed", "so_khcn", "2027-01-01T00:00", (20, 7, None),
          period="2026"),
        V("dost_annual_budget_estimate", "late", "so_khcn", "2027-01-04T14:50", (17, 3, None),
          period="2026"),
        V("finance_annual_budget_allocation", "late", "so_tai_chinh", "2027-01-07T15:00",
          (18, 1, None), period="2026"),
        V("office_annual_report", "late", "van_phong_ubnd", "2027-01-07T15:45", (16, 4, None),
          period="2026"),
        V("administrative_update", "late", "ban_bien_tap", "2027-01-29T08:15", (7, 2, None),
          events=["doc-20270127-3"]),
    ],
}

# Obligations whose status or due instant the README states beyond the violations.
OBLIGATIONS = {
    "kontum": [
        {"rule_id": "interim_review", "actor": "so_vhttdl", "status": "open",
         "due": "2027-01-15T00:00:00+07:00"},
        {"rule_id": "final_review", "actor": "so_vhttdl", "status": "open",
         "due": "2029-01-16T00:00:00+07:00"},
        {"rule_id": "quarterly_media_products", "period": "2024-Q3", "status": "met",
         "due": "2024-09-16T00:00:00+07:00"},
    ],
    "laichau": [
        {"rule_id": "annual_summary_report", "period": "2024",
         "due": "2024-12-20T00:00:00+07:00"},
        {"rule_id": "periodic_backup", "period": "2024-07", "status": "met",
         "fulfilled_by": "bk-ma_lu_thang-202407"},
        {"rule_id": "incident_reporting", "trigger": "inc-ma_lu_thang-20250109-1025",
         "status": "met"},
        {"rule_id": "incident_report_to_operator", "trigger": "inc-ma_lu_thang-20240819-1210",
         "actor": "so_tttt", "status": "met"},
    ],
    "caobang": [
        {"rule_id": "annual_report", "actor": "dai_ptth", "period": "2024",
         "due": "2024-12-15T00:00:00+07:00", "status": "late"},
    ],
    "angiang": [
        {"rule_id": "operator_annual_report", "actor": "bql_kkt", "period": "2024",
         "status": "met", "due": "2024-12-20T00:00:00+07:00"},
        {"rule_id": "operator_annual_report", "actor": "bdbp_tinh", "period": "2024",
         "status": "met"},
        {"rule_id": "summary_annual_report", "period": "2024", "status": "met"},
    ],
    "tuyenquang": [
        {"rule_id": "administrative_update", "trigger": "doc-20270127-3",
         "due": "2027-01-28T00:00:00+07:00", "status": "late"},
        {"rule_id": "planning_update", "trigger": "doc-20260828-1",
         "due": "2026-09-15T00:00:00+07:00", "status": "met"},
        {"rule_id": "other_info", "trigger": "sig-20260702-1",
         "due": "2026-07-08T00:00:00+07:00"},
        {"rule_id": "incident_report_to_board", "trigger": "inc-cong_ttdt-20260816-1330",
         "actor": "tt_thong_tin_hoi_nghi", "status": "met"},
        {"rule_id": "incident_report_to_board", "trigger": "inc-cong_ttdt-20260911-1530",
         "status": "met"},
        {"rule_id": "incident_remedy", "trigger": "inc-cong_ttdt-20260816-1330",
         "actor": "tt_thong_tin_hoi_nghi", "status": "met"},
        {"rule_id": "incident_remedy", "trigger": "inc-cong_ttdt-20260911-1530",
         "status": "met"},
    ],
}

NAMES = sorted(WINDOWS)


def _events(name: str) -> list[Any]:
    with (ROOT / name / "events.jsonl").open("rb") as handle:
        return list(read_jsonl(handle))


def _sites(name: str) -> Any:
    return yaml.safe_load((ROOT / name / "sites.yaml").read_text(encoding="utf-8"))


@cache
def _report(name: str) -> quyche.Report:
    as_of, since = WINDOWS[name]
    return quyche.evaluate(name, _events(name), as_of=as_of, since=since, sites=_sites(name))


def _matches(spec: dict[str, Any], item: Any) -> bool:
    for key, want in spec.items():
        if key == "article":
            got = (item.source.article, item.source.clause, item.source.point)
        elif key == "when":
            if not item.when.startswith(want):
                return False
            continue
        elif key == "events":
            if not set(want) <= set(item.events):
                return False
            continue
        elif key == "message":
            if want not in item.message_en:
                return False
            continue
        elif key == "due":
            got, want = item.due, dt.datetime.fromisoformat(want)
        else:
            got = getattr(item, key)
        if got != want:
            return False
    return True


@pytest.mark.parametrize("name", NAMES)
def test_summary(name: str) -> None:
    """Events read and applied, obligations by status, violations by kind."""
    read, applied, by_status, by_kind = SUMMARIES[name]
    summary = _report(name).summary
    assert (summary.events_read, summary.events_applied) == (read, applied)
    assert summary.events_rejected == len(REJECTED[name])
    assert summary.obligations_by_status == by_status
    assert summary.violations_by_kind == by_kind


_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@pytest.mark.parametrize("name", NAMES)
def test_warnings_counted_in_readme(name: str) -> None:
    """The README's summary says how many warnings the run gives."""
    text = (ROOT / name / "README.md").read_text(encoding="utf-8")
    said = re.search(r"violations\*\*; (\w+) warnings?", text)
    assert said, "the summary line names the warnings"
    assert _COUNTS[said[1]] == len(_report(name).warnings), _report(name).warnings


@pytest.mark.parametrize("name", NAMES)
def test_rejected(name: str) -> None:
    """Exactly the two deliberately invalid lines are refused, with a reason naming why."""
    rejected = _report(name).rejected
    assert [(r.index, r.id) for r in rejected] == [(i, ident) for i, ident, _ in REJECTED[name]]
    for r, (_, _, reason) in zip(rejected, REJECTED[name], strict=True):
        assert reason in r.reason


@pytest.mark.parametrize("name", NAMES)
def test_violations(name: str) -> None:
    """Each violation the README names is found once, with its article; there are no others."""
    violations = _report(name).violations
    for spec in VIOLATIONS[name]:
        found = [v for v in violations if _matches(spec, v)]
        assert len(found) == 1, f"{spec} matched {len(found)} violations"
    assert len(violations) == len(VIOLATIONS[name])


@pytest.mark.parametrize("name", NAMES)
def test_obligations(name: str) -> None:
    """Statuses and due instants the README states for duties that are not violations."""
    obligations = _report(name).obligations
    for spec in OBLIGATIONS[name]:
        assert any(_matches(spec, o) for o in obligations), f"no obligation matches {spec}"


@pytest.mark.parametrize("name", NAMES)
def test_readme_command(name: str) -> None:
    """The README's command names this example's files, as_of and since."""
    text = (ROOT / name / "README.md").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(quyche check .*?)```", text, re.S)
    assert command, "the README shows the command to run"
    words = command.group(1).replace("\\\n", " ").split()
    assert words[2:4] == [name, f"examples/{name}/events.jsonl"]
    assert words[words.index("--sites") + 1] == f"examples/{name}/sites.yaml"
    as_of, since = WINDOWS[name]
    assert words[words.index("--as-of") + 1] == as_of
    if since is None:
        assert "--since" not in words
    else:
        assert words[words.index("--since") + 1] == since


@pytest.mark.parametrize("name", NAMES)
def test_log_shape(name: str) -> None:
    """Every line is one event with an id of its own; the file stays small; sites are whole."""
    path = ROOT / name / "events.jsonl"
    assert path.stat().st_size < MAX_BYTES
    ids = [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids))
    for site in _sites(name):
        assert {"id", "kind", "operator"} <= set(site)


def test_demo_command() -> None:
    """`make demo` runs the Kon Tum example as of the end of 2024."""
    makefile = (ROOT.parent / "Makefile").read_text(encoding="utf-8")
    assert "examples/kontum/events.jsonl --sites examples/kontum/sites.yaml" in makefile
    assert f"--as-of {WINDOWS['kontum'][0]}" in makefile


def _worked_examples() -> list[tuple[str, str]]:
    text = (ROOT.parent / "docs" / "events.md").read_text(encoding="utf-8")
    section = text.split("\n## Worked examples\n", 1)[1]
    return [(part.split("\n", 1)[0], part) for part in section.split("\n### ")[1:]]


WORKED = _worked_examples()


@pytest.mark.parametrize("part", [p for _, p in WORKED], ids=[t for t, _ in WORKED])
def test_worked_example(part: str, tmp_path: Path) -> None:
    """A worked example of docs/events.md: its command, run on its events, prints what it
    shows (the `grep -v` leaving out open duties)."""
    blocks = re.findall(r"```(\w+)\n(.*?)```", part, re.S)
    kinds = [kind for kind, _ in blocks]
    assert kinds in (["json", "sh", "json"], ["json", "yaml", "sh", "json"]), kinds
    (tmp_path / "worked.jsonl").write_text(blocks[0][1], encoding="utf-8")
    if kinds[1] == "yaml":
        (tmp_path / "sites.yaml").write_text(blocks[1][1], encoding="utf-8")
    command, _, grep = blocks[-2][1].replace("\\\n", " ").partition("|")
    words = command.split()
    assert words[:2] == ["quyche", "check"] and "grep -v '\"status\":\"open\"'" in grep
    args = [str(tmp_path / w) if w in ("worked.jsonl", "sites.yaml") else w for w in words[2:]]
    result = CliRunner().invoke(app, ["check", *args])
    assert result.exit_code == 0, result.output
    printed = [json.loads(line) for line in result.stdout.splitlines()
               if '"status":"open"' not in line]
    shown = [json.loads(line) for line in blocks[-1][1].splitlines()]
    assert printed == shown


class TestExampleCommand:
    """`quyche example NAME` writes a bundled example where an install can read it."""

    def run(self, *args: str, cwd: Path) -> Any:
        import os

        here = os.getcwd()
        os.chdir(cwd)
        try:
            return CliRunner().invoke(app, ["example", *args])
        finally:
            os.chdir(here)

    def test_lists_every_example(self, tmp_path: Path) -> None:
        result = self.run(cwd=tmp_path)
        assert result.exit_code == 0
        assert [line.split()[0] for line in result.stdout.splitlines()[:-1]] == NAMES
        assert not list(tmp_path.iterdir())  # listing writes nothing

    @pytest.mark.parametrize("name", NAMES)
    def test_writes_the_log_and_says_the_command(self, name: str, tmp_path: Path) -> None:
        result = self.run(name.upper(), cwd=tmp_path)
        assert result.exit_code == 0, result.output
        for file in ("events.jsonl", "sites.yaml"):
            written = tmp_path / "examples" / name / file
            assert written.read_bytes() == (ROOT / name / file).read_bytes()
            assert f"examples/{name}/{file}" in result.stdout
        command = result.stdout.split("evaluate it with:\n", 1)[1].strip()
        readme = (ROOT / name / "README.md").read_text(encoding="utf-8")
        shown = re.search(r"```sh\n(quyche check .*?)```", readme, re.S)
        assert shown and command.split() == shown.group(1).replace("\\\n", " ").split()

    def test_to_another_folder(self, tmp_path: Path) -> None:
        result = self.run("laichau", "--to", "logs/lc", cwd=tmp_path)
        assert result.exit_code == 0, result.output
        assert (tmp_path / "logs" / "lc" / "events.jsonl").is_file()
        assert "quyche check laichau logs/lc/events.jsonl --sites logs/lc/sites.yaml" \
            in result.stdout

    def test_unknown_name_suggests_the_nearest(self, tmp_path: Path) -> None:
        result = self.run("kontun", cwd=tmp_path)
        assert result.exit_code == 2
        assert "did you mean 'kontum'?" in result.output and "Traceback" not in result.output

    def test_keeps_a_file_with_other_content_unless_forced(self, tmp_path: Path) -> None:
        mine = tmp_path / "examples" / "kontum" / "sites.yaml"
        mine.parent.mkdir(parents=True)
        mine.write_text("- {id: mine}\n", encoding="utf-8")
        result = self.run("kontum", cwd=tmp_path)
        assert result.exit_code == 2 and "--force" in result.output
        assert mine.read_text(encoding="utf-8") == "- {id: mine}\n"
        assert self.run("kontum", "--force", cwd=tmp_path).exit_code == 0
        assert mine.read_bytes() == (ROOT / "kontum" / "sites.yaml").read_bytes()
        assert self.run("kontum", cwd=tmp_path).exit_code == 0  # the same content: fine
