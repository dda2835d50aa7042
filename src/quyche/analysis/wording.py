"""The parts of a rule set in words, Vietnamese and English.

`explain` tells one rule in full; `compare` and `diff` put the same facts in a
cell or a line. They share these phrases so that a due date, a deadline or a
condition reads the same everywhere: `describe_recurrence` ("before day 15 of
each month — read as: by the end of the day before"), `describe_deadline`,
`describe_condition`, `describe_discharge`, and actors by name.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import EVENT_ACTOR, Deadline, Obligation, Policies, Recurrence, RuleSet
from ..vocabulary import PERIOD_MONTHS, Lang

__all__ = [
    "EVENT_WORDS",
    "SUCCESSION_GROUNDS",
    "actor_names",
    "describe_condition",
    "describe_deadline",
    "describe_discharge",
    "describe_exceptions",
    "describe_recurrence",
]

#: What happens, per event type (an event type missing here reads as its name).
EVENT_WORDS: dict[str, tuple[str, str]] = {
    "broadcast": ("đăng phát", "a broadcast"),
    "emergency": ("tình huống khẩn cấp", "an emergency"),
    "submission": ("gửi sản phẩm, báo cáo", "a submission"),
    "backup": ("sao lưu dữ liệu", "a backup"),
    "backup_deleted": ("xoá bản sao lưu", "a backup is deleted"),
    "incident": ("phát hiện sự cố", "an incident is detected"),
    "incident_reported": ("báo cáo sự cố", "an incident is reported onward"),
    "incident_resolved": ("khắc phục xong sự cố", "an incident is fixed"),
    "request": ("có yêu cầu", "a request is made"),
    "feedback_received": ("tiếp nhận phản ánh, kiến nghị", "public feedback is received"),
    "feedback_forwarded": ("chuyển phản ánh, kiến nghị", "feedback is forwarded"),
    "activity_ended": ("kết thúc hoạt động, sự kiện", "an activity or event ends"),
    "document_signed": ("văn bản được ký, phê duyệt, thông qua",
                        "a document is signed, approved or adopted"),
    "info_provided": ("cung cấp thông tin", "the information is provided"),
    "document_received": ("tiếp nhận văn bản để đăng tải", "a document to publish is received"),
    "document_published": ("đăng tải văn bản", "the document is published"),
    "content_published": ("đăng tải nội dung", "content is published"),
}

#: Why a succession holds, by who asserts it (a reading is worded where it is shown,
#: with its interpretation and candidates).
SUCCESSION_GROUNDS: dict[str, str] = {"data": "the rule set says so",
                                      "caller": "as the caller said",
                                      "none": "the sources name no successor"}

_OPS = {"$eq": "=", "$ne": "≠", "$lt": "<", "$lte": "≤", "$gt": ">", "$gte": "≥",
        "$in": "∈", "$nin": "∉"}


def actor_names(rs: RuleSet, ids: list[str], lang: Lang = "en") -> str:
    """Actors by name (English names fall back to the id)."""
    out = []
    for ref in ids:
        if ref == EVENT_ACTOR:
            out.append("chủ thể nêu trong sự kiện" if lang == "vi"
                       else "the actor the event names")
            continue
        actor = rs.actor(ref)
        if actor is None:
            out.append(ref)
        elif lang == "vi":
            out.append(actor.name)
        else:
            out.append(f"{actor.name_en or actor.name} ({ref})")
    return "; ".join(out) if out else ("(không nêu)" if lang == "vi" else "(not named)")


def describe_condition(where: dict[str, Any]) -> str:
    """A Mongo-style condition in a line: `category = security`, `doc_class ∈ {a, b}`."""
    parts = []
    for key, value in where.items():
        if key in ("$and", "$or"):
            joiner = " and " if key == "$and" else " or "
            parts.append("(" + joiner.join(describe_condition(c) for c in value) + ")")
        elif isinstance(value, dict):
            for op, operand in value.items():
                if op == "$exists":
                    parts.append(f"{key} {'given' if operand else 'absent'}")
                elif isinstance(operand, list):
                    parts.append(f"{key} {_OPS[op]} {{{', '.join(map(str, operand))}}}")
                else:
                    parts.append(f"{key} {_OPS[op]} {json.dumps(operand, ensure_ascii=False)}")
        else:
            parts.append(f"{key} = {json.dumps(value, ensure_ascii=False).strip(chr(34))}")
    return " and ".join(parts)


def describe_deadline(deadline: Deadline, lang: Lang = "en") -> str:
    """`within 24 hours`, `within 3 working days`, `the same day` (and in Vietnamese)."""
    n = deadline.amount
    if lang == "vi":
        return {"hours": f"trong thời hạn {n} giờ", "days": f"trong thời hạn {n} ngày",
                "working_days": f"trong {n} ngày làm việc",
                "same_day": "ngay trong ngày"}[deadline.kind]
    return {"hours": f"within {n} hours", "days": f"within {n} days",
            "working_days": f"within {n} working days",
            "same_day": "the same day"}[deadline.kind]


def _dates_of(rec: Recurrence) -> list[tuple[int, int | None]]:
    """(month of the year, day or None for the last) of each due date in a year."""
    unit = PERIOD_MONTHS[rec.every]
    count = 12 // unit
    numbers = rec.periods or list(range(1, count + 1))
    return [((k - 1) * unit + (rec.month or unit), rec.day) for k in numbers]


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def describe_recurrence(rec: Recurrence, policies: Policies, lang: Lang = "en") -> str:
    """When a recurring duty falls due, as the text would say it, with the reading applied."""
    vi = lang == "vi"
    if rec.anchor == "in_force":
        return (f"{rec.interval:02d} năm/lần, tính từ ngày có hiệu lực; hạn là hết ngày cuối "
                "của mỗi kỳ" if vi else
                f"every {rec.interval} years counted from the in-force date, due by the end "
                "of each period")
    before = rec.relation == "before"
    if rec.every == "month":
        if rec.day is None:
            phrase = "cuối mỗi tháng" if vi else "by the end of each month"
        else:
            phrase = (f"{'trước ' if before else ''}ngày {rec.day} hằng tháng" if vi else
                      f"{'before' if before else 'on'} day {rec.day} of each month")
    else:
        dates = _dates_of(rec)
        yearly = rec.every == "year" or rec.periods is not None
        if rec.day is None:
            months = ", ".join(f"tháng {m}" if vi else _MONTHS[m - 1] for m, _ in dates)
            phrase = f"cuối {months}" if vi else f"by the end of {months}"
        else:
            shown = ", ".join(f"{d}/{m}" for m, d in dates)
            phrase = (f"{'trước ngày' if before else 'ngày'} {shown}" if vi else
                      f"{'before' if before else 'on'} {shown}")
        if vi:
            phrase += " hằng năm" if yearly else {"quarter": " (hằng quý)",
                                                  "half_year": " (6 tháng một lần)"}[rec.every]
        else:
            phrase += " each year" if yearly else {"quarter": " (each quarter)",
                                                   "half_year": " (each half-year)"}[rec.every]
        if rec.interval > 1:
            phrase += (f", {rec.interval:02d} năm/lần" if vi else f", every {rec.interval} years")
    if before:
        value = policies.before_date.value
        exclusive = value == "exclusive"
        if vi:
            phrase += (" — hiểu là hết ngày liền trước" if exclusive
                       else " — hiểu là hết chính ngày đó") + f" (before_date: {value})"
        else:
            phrase += (" — read as: by the end of the day before" if exclusive
                       else " — read as: by the end of that day") + f" (before_date: {value})"
    return phrase


def describe_discharge(rs: RuleSet, ob: Obligation, lang: Lang = "en") -> str:
    """What fulfils a duty."""
    d = ob.discharged_by
    vi = lang == "vi"
    if d.event == "submission":
        kind = next((k for k in rs.submission_kinds if k.id == d.kind), None)
        name = (kind.name.vi if vi else kind.name.en) if kind else d.kind
        return (f"gửi “{name}” (sự kiện submission, kind {d.kind})" if vi else
                f"a submission of kind {d.kind} ({name})")
    if d.match == "within_period":
        return (f"có sự kiện {d.event} trong kỳ" if vi else
                f"a {d.event} event within the period")
    if d.match == "ref":
        return (f"sự kiện {d.event} tham chiếu sự kiện phát sinh qua trường {d.ref_field}"
                if vi else f"a {d.event} event naming the triggering event in {d.ref_field}")
    return f"{d.event}"


def describe_exceptions(ob: Obligation) -> str:
    """A triggered duty's exceptions, each `; condition: deadline` (empty when none)."""
    return "".join(f"; {describe_condition(ex.when)}: {describe_deadline(ex.deadline)}"
                   for ex in ob.exceptions)
