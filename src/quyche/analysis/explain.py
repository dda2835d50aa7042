"""A rule in words: what it requires, where it is written, what reading it rests on.

A rule set is data for machines; an official asking "why is this report due on
the 14th and not the 15th?" needs the rule in Vietnamese and English, its
article and quote, the interpretations of open text it relies on (and how to
read the text otherwise), the deadline policies it uses (`before_date` for
"trước ngày D", roll-forward of periods), and one worked example of a due date.
`explain(rule_set, rule_id)` gathers all of that from the rule set alone; the
phrases it builds (`describe_recurrence`, `describe_deadline`, ...) are shared
with `compare`.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import weakref
from typing import Any, Literal

from pydantic import Field

from ..errors import EvaluationError, QuycheError
from ..model import (
    EVENT_ACTOR,
    BroadcastRule,
    Constraint,
    Deadline,
    LanguagePolicy,
    Obligation,
    Outline,
    Policies,
    Recurrence,
    RuleSet,
    Source,
)
from ..output import Output
from ..render import cite as cite_text
from ..report import Citation
from ..successions import territory_notes
from ..time.deadlines import LOCAL, triggered_due
from ..time.periods import duty_periods
from ..vocabulary import PERIOD_MONTHS, Lang

__all__ = [
    "ExampleDue",
    "Explanation",
    "InterpretationUse",
    "PolicyUse",
    "SuccessionUse",
    "actor_names",
    "cite",
    "describe_condition",
    "describe_deadline",
    "describe_discharge",
    "describe_recurrence",
    "explain",
    "interpretations_markdown",
    "last_day",
    "relied_on",
    "rule_path",
]

_EVENTS: dict[str, tuple[str, str]] = {
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
_OPS = {"$eq": "=", "$ne": "≠", "$lt": "<", "$lte": "≤", "$gt": ">", "$gte": "≥",
        "$in": "∈", "$nin": "∉"}


# --------------------------------------------------------------------------- phrases


def cite(rs: RuleSet, source: Source | None) -> Citation | None:
    """A rule set's `Source` as the citation reports carry (with the instrument number)."""
    if source is None:
        return None
    return Citation.of(source, rs.instrument.number.value)


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


def last_day(due: dt.datetime) -> dt.date:
    """The last local day on which a duty due at `due` can still be done."""
    return (due.astimezone(LOCAL) - dt.timedelta(microseconds=1)).date()


def rule_path(rs: RuleSet, rule_id: str) -> tuple[str, Any]:
    """The dotted path of a rule (as interpretations name it) and the rule itself."""
    for prefix, items in (("obligations", rs.obligations), ("broadcast.rules", rs.broadcast.rules),
                          ("constraints", rs.constraints),
                          ("languages.policies", rs.languages.policies)):
        for item in items:
            if item.id == rule_id:
                return f"{prefix}.{rule_id}", item
    if rs.reporting.outline is not None and rs.reporting.outline.id == rule_id:
        return "reporting.outline", rs.reporting.outline
    raise EvaluationError(
        f"{rs.id}: no rule {rule_id!r}; rules are: {', '.join(rs.rule_ids())}")


# --------------------------------------------------------------------------- models


class InterpretationUse(Output):
    """A reading of open text the rule relies on, and how to choose another."""

    id: str
    path: str
    value: Any
    question: str
    reading: str
    alternatives: list[Any] = []
    source: Citation | None = None
    overridden: bool = Field(False, description="the caller chose another reading")
    text_value: Any = Field(None, description="the rule set's own reading, when overridden")
    override_cli: str = Field(..., description="the command line that reads it otherwise")
    override_python: str = Field(..., description="the Python call that reads it otherwise")


class PolicyUse(Output):
    """A deadline policy of the rule set that shapes this rule's due dates."""

    name: str
    value: Any
    basis: str
    why: str
    source: Citation | None = None


class ExampleDue(Output):
    """One worked due date: the next period due after a day, or a trigger on that day."""

    text: dict[str, str]
    period: str | None = None
    trigger_at: dt.datetime | None = None
    due: dt.datetime
    last_day: dt.date
    exceptions: dict[str, dt.datetime] = Field({}, description="due under each exception")


class SuccessionUse(Output):
    """A succession that changes, from a date, who owes or is owed this duty."""

    id: str
    change: str
    role: Literal["owed_by", "owed_to"]
    predecessor: str
    successor: str | None
    effective: dt.date
    functions: list[str] = []
    asserted_by: Literal["data", "reading", "caller", "none"]
    interpretation: str | None = None
    candidates: list[str] = []
    territory: str | None = None
    basis: str
    note: str | None = None
    text: str = Field(..., description="the succession in a sentence")


class Explanation(Output):
    """What `quyche.explain(rule_set, rule_id)` returns."""

    rule_set: str
    rule_id: str
    kind: Literal["obligation", "broadcast_rule", "constraint", "language_policy", "outline"]
    path: str
    title: dict[str, str]
    text: dict[str, str] = Field(..., description="the rule in words: vi and en")
    source: Citation
    sources: list[Citation] = []
    interpretations: list[InterpretationUse] = []
    policies: list[PolicyUse] = []
    example: ExampleDue | None = None
    notes: list[str] = []
    successions: list[SuccessionUse] = Field(
        [], description="who carries the duty after the bodies it names were reorganised")


# --------------------------------------------------------------------------- rules in words


def _obligation_text(rs: RuleSet, ob: Obligation, lang: Lang) -> str:
    vi = lang == "vi"
    owers, to = actor_names(rs, ob.owed_by, lang), actor_names(rs, ob.owed_to, lang)
    title = ob.title.vi if vi else ob.title.en
    lines = [f"{title}."]
    if vi:
        lines.append(f"Chủ thể thực hiện: {owers}." + (f" Gửi/báo cáo: {to}." if ob.owed_to
                                                         else ""))
    else:
        lines.append(f"Owed by {owers}" + (f" to {to}." if ob.owed_to else "."))
    if ob.site_kinds:
        lines.append(("Áp dụng với loại điểm: " if vi else "For sites of kind: ")
                     + ", ".join(ob.site_kinds) + ".")
    if ob.recurrence is not None:
        lines.append(("Thời hạn: " if vi else "Due: ")
                     + describe_recurrence(ob.recurrence, rs.policies, lang) + ".")
    else:
        event = _EVENTS.get(ob.trigger.event, (ob.trigger.event, ob.trigger.event))
        when = f" ({describe_condition(ob.trigger.where)})" if ob.trigger.where else ""
        lines.append((f"Phát sinh khi {event[0]}{when}; thời hạn: "
                      if vi else f"Arises when {event[1]}{when}; due ")
                     + describe_deadline(ob.deadline, lang) + ".")
        if ob.trigger.event == "request":
            lines.append("Chủ thể thực hiện là cơ quan được yêu cầu (to), đối với cơ quan yêu "
                         "cầu; hạn của yêu cầu (due), nếu có, thay thời hạn trên." if vi else
                         "Owed by the body asked (the request's `to`) to the body asking; the "
                         "request's own `due`, when given, replaces the deadline above.")
        for ex in ob.exceptions:
            lines.append((f"Ngoại lệ {ex.id}: khi {describe_condition(ex.when)}, "
                          if vi else f"Exception {ex.id}: when {describe_condition(ex.when)}, ")
                         + describe_deadline(ex.deadline, lang) + ".")
    lines.append(("Hoàn thành khi: " if vi else "Discharged by ")
                 + describe_discharge(rs, ob, lang) + ".")
    if ob.effective_from or ob.effective_until:
        span = f"{ob.effective_from or '…'} – {ob.effective_until or '…'}"
        lines.append(("Hiệu lực: " if vi else "Effective: ") + span + ".")
    return " ".join(lines)


def _constraint_text(c: Constraint, lang: Lang) -> str:
    vi = lang == "vi"
    lines = [f"{c.title.vi if vi else c.title.en}.", c.describe(lang)]
    if c.site_kinds:
        lines.append(("Áp dụng với loại điểm: " if vi else "For sites of kind: ")
                     + ", ".join(c.site_kinds) + ".")
    return " ".join(lines)


# --------------------------------------------------------------------------- what it relies on


def _successions(rs: RuleSet, ob: Obligation) -> list[SuccessionUse]:
    """The successions that decide who owes or is owed `ob` from their dates."""
    readings = {i.path: i for i in rs.interpretations}
    out = []
    for role, refs in (("owed_by", ob.owed_by), ("owed_to", ob.owed_to)):
        named = set(refs) | {a.id for a in rs.actors if set(a.member_of) & set(refs)}
        for s in rs.successions:
            pred = rs.actor(s.predecessor)
            members_named = pred is not None and pred.kind == "group" and any(
                s.predecessor in (rs.actor(r).member_of if rs.actor(r) else []) for r in refs)
            if (s.predecessor not in named and not members_named) or (
                    s.functions and ob.function not in s.functions):
                continue
            interp = readings.get(f"successions.{s.id}.successor")
            if interp is None:
                by = "data" if s.successor else "none"
            else:
                by = "caller" if interp.overridden else "reading"
            candidates = [a for a in (interp.alternatives if interp else [])
                          if isinstance(a, str) and a != s.successor]
            verb = "owes" if role == "owed_by" else "receives"
            who = (f"{s.successor} {verb} it" if s.successor
                   else f"{s.predecessor} still {verb} it (no successor known)")
            ground = {"data": "the rule set says so", "caller": "as the caller said",
                      "none": "the sources name no successor"}.get(
                by, f"a reading, interpretation {interp.id if interp else ''}: until it is "
                f"resolved, a delivery by or to {', '.join([s.predecessor, *candidates])} "
                "counts too")
            side = "owes" if role == "owed_by" else "is owed"
            text = (f"From {s.effective.isoformat()}, where the text says {s.predecessor} "
                    f"{side} this duty, {who} ({ground}). Basis: {s.basis}")
            if s.territory:
                text += f" The instrument applies to {s.territory} until replaced."
            out.append(SuccessionUse(
                id=s.id, change=s.change, role=role, predecessor=s.predecessor,
                successor=s.successor, effective=s.effective, functions=list(s.functions),
                asserted_by=by, interpretation=interp.id if interp else None,
                candidates=candidates, territory=s.territory, basis=s.basis, note=s.note,
                text=text))
    return out


def _interpretations(rs: RuleSet, path: str, rule: Any, ref: str, rule_id: str,
                     policy_paths: list[str]) -> list[InterpretationUse]:
    prefixes = [path, *policy_paths]
    groups: set[str] = set()
    if isinstance(rule, Obligation):
        # Who owes a duty owed by a group depends on who is read as a member of it.
        groups = {a for a in rule.owed_by if rs.actor(a) and rs.actor(a).kind == "group"}
        prefixes += [f"actors.{g}" for g in sorted(groups)]
    elif hasattr(rule, "relies_on"):  # a language policy or a constraint
        prefixes += rule.relies_on()
    out = []
    for interp in rs.interpretations:
        mentioned = json.dumps([interp.value, interp.alternatives, interp.text_value])
        membership = (interp.path.startswith("actors.") and interp.path.endswith(".member_of")
                      and any(f'"{g}"' in mentioned for g in groups))
        if not membership and not any(interp.path == p or interp.path.startswith(p + ".")
                                      for p in prefixes):
            continue
        alternative = _example_value(rs, interp)
        text = cli_value(alternative)
        cli = (f"quyche explain {shlex.quote(ref)} {rule_id} "
               f"--interpretation {shlex.quote(f'{interp.id}={text}')}")
        python = (f"quyche.load({ref!r}, interpretations={{{interp.id!r}: "
                  f"{alternative!r}}})")
        out.append(InterpretationUse(
            id=interp.id, path=interp.path, value=interp.value, question=interp.question,
            reading=interp.reading, alternatives=list(interp.alternatives),
            source=cite(rs, interp.source), overridden=interp.overridden,
            text_value=interp.text_value if interp.overridden else None,
            override_cli=cli, override_python=python))
    return out


#: Values tried, after a reading's alternatives, for an override hint that works as
#: printed: an example of the field's type, not a reading of the text.
_PROBES: tuple[Any, ...] = (1, "00:00", True, "text", [], {})


#: id(rule set) -> (a weak reference to it, {interpretation id: example value}); trying
#: a value re-validates the rule set, so each is tried once per rule set object.
_EXAMPLES: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}


def _example_value(rs: RuleSet, interp: Any) -> Any:
    """A value the override accepts: the first alternative that loads, else a probe of
    the field's type, else the rule set's own value."""
    from .._load import override
    from ..errors import InterpretationError

    key = id(rs)
    held = _EXAMPLES.get(key)
    if held is None or held[0]() is not rs:
        held = _EXAMPLES[key] = (weakref.ref(rs, lambda _, k=key: _EXAMPLES.pop(k, None)), {})
    known = held[1]
    if interp.id not in known:
        known[interp.id] = interp.value
        for candidate in (*interp.alternatives, *_PROBES):
            try:
                override(rs, {interp.id: candidate})
            except InterpretationError:
                continue
            known[interp.id] = candidate
            break
    return known[interp.id]


def cli_value(value: Any) -> str:
    """`value` as `-i ID=VALUE` text that the command line reads back to the same value
    (YAML 1.2 scalars: `12:00` stays text, `1` is a number, `[a, b]` a list)."""
    from .._load import read_value

    if isinstance(value, str):
        try:
            if read_value(value) == value:
                return value
        except QuycheError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _policies(rs: RuleSet, rule: Any) -> list[PolicyUse]:
    used: list[tuple[str, str]] = []
    if hasattr(rule, "policies_used"):  # a constraint
        used += rule.policies_used()
    if not isinstance(rule, Obligation):
        return _policy_uses(rs, used)
    rec = rule.recurrence
    if rec is not None and rec.anchor == "calendar":
        if rec.relation == "before":
            used.append(("before_date", 'the text says "trước ngày D" (before D)'))
        used.append(("roll_forward_fixed_dates", "the due date is a fixed calendar date"))
    if rec is not None and rec.anchor == "in_force":
        used.append(("roll_forward_periods", "the due date ends a period counted in years"))
    deadlines = [rule.deadline, *(e.deadline for e in rule.exceptions)] if rule.trigger else []
    if any(d is not None and d.kind == "days" for d in deadlines):
        used.append(("roll_forward_periods", "the deadline is a period counted in days"))
    return _policy_uses(rs, used)


def _policy_uses(rs: RuleSet, used: list[tuple[str, str]]) -> list[PolicyUse]:
    out = []
    for name, why in used:
        policy = getattr(rs.policies, name)
        basis = policy.basis
        pinned = next((i for i in rs.interpretations
                       if i.path == f"policies.{name}.value" and i.overridden), None)
        if pinned is not None:  # the basis argues for the text's reading, not the caller's
            basis = (f"overridden by the caller (interpretation {pinned.id}); the rule set "
                     f"reads {json.dumps(pinned.text_value)}, on this basis: {basis}")
        out.append(PolicyUse(name=name, value=policy.value, basis=basis, why=why,
                             source=cite(rs, policy.source)))
    return out


def _example(rs: RuleSet, rule: Obligation, today: dt.date) -> ExampleDue | None:
    in_force = rs.instrument.date_of("in_force")
    ref = max(today, in_force) if in_force else today
    after = dt.datetime(ref.year, ref.month, ref.day, tzinfo=LOCAL)
    if rule.recurrence is not None:
        rec = rule.recurrence
        months = PERIOD_MONTHS[rec.every]
        horizon = dt.date(ref.year + (months * rec.interval) // 12 + 2, 12, 31)
        for p in duty_periods(rule, rs, ref, horizon, as_reported=False):
            if p.due <= after:
                continue
            day = last_day(p.due)
            return ExampleDue(
                period=p.label, due=p.due, last_day=day,
                text={"vi": f"Kỳ {p.label} ({p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}): hạn hết ngày "
                            f"{day:%d/%m/%Y} (thời điểm {p.due.isoformat()}).",
                      "en": f"Period {p.label} ({p.start} to {p.end}): due by the end of "
                            f"{day.isoformat()} (instant {p.due.isoformat()})."})
        return None
    at = dt.datetime(ref.year, ref.month, ref.day, 9, 0, tzinfo=LOCAL)
    due = triggered_due(rule.deadline, at, rs.policies)
    exceptions = {ex.id: triggered_due(ex.deadline, at, rs.policies) for ex in rule.exceptions}
    return ExampleDue(
        trigger_at=at, due=due, last_day=last_day(due), exceptions=exceptions,
        text={"vi": f"Nếu sự kiện xảy ra lúc {at:%H:%M %d/%m/%Y}, hạn là {due.isoformat()}.",
              "en": f"If the event happens at {at.isoformat()}, the duty is due at "
                    f"{due.isoformat()}."})


def explain(rule_set: RuleSet | str, rule_id: str, today: dt.date | str | None = None,
            ref: str | None = None) -> Explanation:
    """Explain one rule of a rule set (an obligation, broadcast rule, constraint or language
    policy): in words, cited, with the interpretations and policies it relies on and an
    example due date after `today` (default: today, or the in-force date if later).

    `ref` is how the rule set is named in the override hints (default: its id).
    """
    from .._load import load

    rs = rule_set if isinstance(rule_set, RuleSet) else load(rule_set)
    if today is None:
        today = dt.datetime.now(LOCAL).date()
    elif isinstance(today, str):
        try:
            today = dt.date.fromisoformat(today)
        except ValueError:
            raise EvaluationError(f"today: expected a date YYYY-MM-DD, got {today!r}") from None
    path, rule = rule_path(rs, rule_id)
    ref = ref or rs.id
    if isinstance(rule, Obligation):
        kind = "obligation"
        text = {lang: _obligation_text(rs, rule, lang) for lang in ("vi", "en")}
        title = {"vi": rule.title.vi, "en": rule.title.en}
    elif isinstance(rule, BroadcastRule):
        kind = "broadcast_rule"
        text = {lang: rule.describe(lang) for lang in ("vi", "en")}
        title = {"vi": rule.title.vi, "en": rule.title.en}
    elif isinstance(rule, LanguagePolicy):
        kind = "language_policy"
        text = {lang: rule.describe(lang, rs.languages.groups) for lang in ("vi", "en")}
        title = {"vi": rule.id, "en": rule.id}
    elif isinstance(rule, Outline):
        kind = "outline"
        text = {lang: rule.describe(lang) for lang in ("vi", "en")}
        title = {"vi": rule.title, "en": rule.title}
    else:
        kind = "constraint"
        text = {lang: _constraint_text(rule, lang) for lang in ("vi", "en")}
        title = {"vi": rule.title.vi, "en": rule.title.en}
    policies = _policies(rs, rule)
    handed = _successions(rs, rule) if isinstance(rule, Obligation) else []
    notes = []
    if rule.source is not None and getattr(rule, "note", None):
        notes.append(rule.note)
    if isinstance(rule, Obligation) and rule.trigger and any(
            d.kind == "working_days" for d in [rule.deadline, *(e.deadline for e in
                                                                 rule.exceptions)]):
        notes.append("Working days come from the Vietnamese calendar of the holidays package "
                     "(weekends, public holidays, compensatory days off, swapped Saturdays).")
    if isinstance(rule, Obligation) and rule.recurrence and not rs.instrument.date_of(
            "in_force"):
        notes.append("The text gives no in-force date: evaluate() needs since=...")
    notes += [f"Instrument status: {n}" for n in territory_notes(rs)]
    return Explanation(
        rule_set=rs.id, rule_id=rule_id, kind=kind, path=path, title=title, text=text,
        source=cite(rs, rule.source),
        sources=[cite(rs, s) for s in getattr(rule, "sources", [])],
        interpretations=_interpretations(
            rs, path, rule, ref, rule_id, [f"policies.{p.name}" for p in policies]
            + [f"successions.{h.id}.successor" for h in handed]),
        policies=policies,
        example=_example(rs, rule, today) if isinstance(rule, Obligation) else None,
        notes=notes, successions=handed)


def relied_on(rs: RuleSet, rule_id: str) -> list[str]:
    """Ids of the interpretations a rule relies on, as `explain` lists them (its own
    values, the deadline policies and language groups it uses, who its groups hold)."""
    path, rule = rule_path(rs, rule_id)
    policies = [f"policies.{p.name}" for p in _policies(rs, rule)]
    return [use.id for use in _interpretations(rs, path, rule, rs.id, rule_id, policies)]


def interpretations_markdown(rule_sets: list[RuleSet]) -> str:
    """Every reading of open text in the given rule sets, as a Markdown page for analysts.

    Generated into docs/interpretations.md (`make comparison`); a test keeps it current.
    """
    lines = ["# Interpretations", "",
             "Every place where a text leaves a value open and the rule set encodes a reading.",
             "Each can be overridden: `quyche.load(id, interpretations={ID: VALUE})` or",
             "`quyche check ... -i ID=VALUE`. Generated from `rules/*.yaml` by `make comparison`.",
             ""]
    for rs in rule_sets:
        lines += [f"## {rs.province} (`{rs.id}`): {len(rs.interpretations)}", "",
                  "| id | value | alternatives | question | reading | article |",
                  "|---|---|---|---|---|---|"]
        for i in rs.interpretations:
            where = cite_text(i.source) if i.source and i.source.article else ""
            cells = [f"`{i.id}`", _cell(i.value), ", ".join(_cell(a) for a in i.alternatives),
                     _cell(i.question), _cell(i.reading), where]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    from ..render import md_text

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return md_text(str(text), cell=True)
