"""A rule in words: what it requires, where it is written, what reading it rests on.

A rule set is data for machines; an official asking "why is this report due on
the 14th and not the 15th?" needs the rule in Vietnamese and English, its
article and quote, the interpretations of open text it relies on (and how to
read the text otherwise), the deadline policies it uses (`before_date` for
"trước ngày D", roll-forward of periods), and one worked example of a due date.
`explain(rule_set, rule_id)` gathers all of that from the rule set alone, in
the phrases `wording` shares with `compare` and `diff`.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from typing import Any

from .._load import RuleSetLike, as_rule_set
from ..errors import EvaluationError
from ..model import BroadcastRule, Constraint, LanguagePolicy, Obligation, Outline, RuleSet
from ..successions import due_day, territory_notes
from ..time.deadlines import LOCAL, triggered_due
from ..time.periods import duty_periods
from ..vocabulary import PERIOD_MONTHS, Lang
from .citations import citation
from .explanation import (
    ExampleDue,
    Explanation,
    InterpretationUse,
    PolicyUse,
    RuleKind,
    SuccessionUse,
)
from .override_hints import cli_value, example_value
from .wording import (
    EVENT_WORDS,
    SUCCESSION_GROUNDS,
    actor_names,
    describe_condition,
    describe_deadline,
    describe_discharge,
    describe_recurrence,
)

__all__ = ["explain", "relied_on", "rule_path"]


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
    elif ob.trigger is not None and ob.deadline is not None:
        trigger = ob.trigger
        event = EVENT_WORDS.get(trigger.event, (trigger.event, trigger.event))
        when = f" ({describe_condition(trigger.where)})" if trigger.where else ""
        lines.append((f"Phát sinh khi {event[0]}{when}; thời hạn: "
                      if vi else f"Arises when {event[1]}{when}; due ")
                     + describe_deadline(ob.deadline, lang) + ".")
        if trigger.event == "request":
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
                s.predecessor in _member_of(rs, r) for r in refs)
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
            ground = SUCCESSION_GROUNDS.get(
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


def _member_of(rs: RuleSet, ref: str) -> list[str]:
    """The groups an actor is declared a member of ([] for an undeclared one)."""
    actor = rs.actor(ref)
    return list(actor.member_of) if actor is not None else []


def _is_group(rs: RuleSet, ref: str) -> bool:
    actor = rs.actor(ref)
    return actor is not None and actor.kind == "group"


def _interpretations(rs: RuleSet, path: str, rule: Any, ref: str, rule_id: str,
                     policy_paths: list[str]) -> list[InterpretationUse]:
    prefixes = [path, *policy_paths]
    groups: set[str] = set()
    if isinstance(rule, Obligation):
        # Who owes a duty owed by a group depends on who is read as a member of it.
        groups = {a for a in rule.owed_by if _is_group(rs, a)}
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
        alternative = example_value(rs, interp)
        text = cli_value(alternative)
        cli = (f"quyche explain {shlex.quote(ref)} {rule_id} "
               f"--interpretation {shlex.quote(f'{interp.id}={text}')}")
        python = (f"quyche.load({ref!r}, interpretations={{{interp.id!r}: "
                  f"{alternative!r}}})")
        out.append(InterpretationUse(
            id=interp.id, path=interp.path, value=interp.value, question=interp.question,
            reading=interp.reading, alternatives=list(interp.alternatives),
            source=citation(rs, interp.source), overridden=interp.overridden,
            text_value=interp.text_value if interp.overridden else None,
            override_cli=cli, override_python=python))
    return out


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
                             source=citation(rs, policy.source)))
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
            day = due_day(p.due)
            return ExampleDue(
                period=p.label, due=p.due, last_day=day,
                text={"vi": f"Kỳ {p.label} ({p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}): hạn hết ngày "
                            f"{day:%d/%m/%Y} (thời điểm {p.due.isoformat()}).",
                      "en": f"Period {p.label} ({p.start} to {p.end}): due by the end of "
                            f"{day.isoformat()} (instant {p.due.isoformat()})."})
        return None
    if rule.deadline is None:
        return None
    at = dt.datetime(ref.year, ref.month, ref.day, 9, 0, tzinfo=LOCAL)
    due = triggered_due(rule.deadline, at, rs.policies)
    exceptions = {ex.id: triggered_due(ex.deadline, at, rs.policies) for ex in rule.exceptions}
    return ExampleDue(
        trigger_at=at, due=due, last_day=due_day(due), exceptions=exceptions,
        text={"vi": f"Nếu sự kiện xảy ra lúc {at:%H:%M %d/%m/%Y}, hạn là {due.isoformat()}.",
              "en": f"If the event happens at {at.isoformat()}, the duty is due at "
                    f"{due.isoformat()}."})


def explain(rule_set: RuleSetLike, rule_id: str, today: dt.date | str | None = None,
            ref: str | None = None) -> Explanation:
    """Explain one rule of a rule set (an obligation, broadcast rule, constraint or language
    policy): in words, cited, with the interpretations and policies it relies on and an
    example due date after `today` (default: today, or the in-force date if later).

    `ref` is how the rule set is named in the override hints (default: its id).
    """
    rs = as_rule_set(rule_set)
    day = _today(today)
    path, rule = rule_path(rs, rule_id)
    ref = ref or rs.id
    kind, title, text = _in_words(rs, rule)
    policies = _policies(rs, rule)
    handed = _successions(rs, rule) if isinstance(rule, Obligation) else []
    return Explanation(
        rule_set=rs.id, rule_id=rule_id, kind=kind, path=path, title=title, text=text,
        source=citation(rs, rule.source),
        sources=[citation(rs, s) for s in getattr(rule, "sources", [])],
        interpretations=_interpretations(
            rs, path, rule, ref, rule_id, [f"policies.{p.name}" for p in policies]
            + [f"successions.{h.id}.successor" for h in handed]),
        policies=policies,
        example=_example(rs, rule, day) if isinstance(rule, Obligation) else None,
        notes=_notes(rs, rule), successions=handed)


def _today(today: dt.date | str | None) -> dt.date:
    """The day after which the example falls due (default: today, local time)."""
    if today is None:
        return dt.datetime.now(LOCAL).date()
    if isinstance(today, str):
        try:
            return dt.date.fromisoformat(today)
        except ValueError:
            raise EvaluationError(f"today: expected a date YYYY-MM-DD, got {today!r}") from None
    return today


def _in_words(rs: RuleSet, rule: Any) -> tuple[RuleKind, dict[str, str], dict[str, str]]:
    """The rule's kind, its title and its text, in Vietnamese and English."""
    langs: tuple[Lang, Lang] = ("vi", "en")
    if isinstance(rule, Obligation):
        return ("obligation", {"vi": rule.title.vi, "en": rule.title.en},
                {lang: _obligation_text(rs, rule, lang) for lang in langs})
    if isinstance(rule, BroadcastRule):
        return ("broadcast_rule", {"vi": rule.title.vi, "en": rule.title.en},
                {lang: rule.describe(lang) for lang in langs})
    if isinstance(rule, LanguagePolicy):
        return ("language_policy", {"vi": rule.id, "en": rule.id},
                {lang: rule.describe(lang, rs.languages.groups) for lang in langs})
    if isinstance(rule, Outline):
        return ("outline", {"vi": rule.title, "en": rule.title},
                {lang: rule.describe(lang) for lang in langs})
    return ("constraint", {"vi": rule.title.vi, "en": rule.title.en},
            {lang: _constraint_text(rule, lang) for lang in langs})


def _notes(rs: RuleSet, rule: Any) -> list[str]:
    """What a reader of the rule should also know: its note, the calendar, the instrument."""
    notes = []
    if rule.source is not None and getattr(rule, "note", None):
        notes.append(rule.note)
    if isinstance(rule, Obligation) and rule.trigger and any(
            d is not None and d.kind == "working_days"
            for d in [rule.deadline, *(e.deadline for e in rule.exceptions)]):
        notes.append("Working days come from the Vietnamese calendar of the holidays package "
                     "(weekends, public holidays, compensatory days off, swapped Saturdays).")
    if isinstance(rule, Obligation) and rule.recurrence and not rs.instrument.date_of(
            "in_force"):
        notes.append("The text gives no in-force date: evaluate() needs since=...")
    notes += [f"Instrument status: {n}" for n in territory_notes(rs)]
    return notes


def relied_on(rs: RuleSet, rule_id: str) -> list[str]:
    """Ids of the interpretations a rule relies on, as `explain` lists them (its own
    values, the deadline policies and language groups it uses, who its groups hold)."""
    path, rule = rule_path(rs, rule_id)
    policies = [f"policies.{p.name}" for p in _policies(rs, rule)]
    return [use.id for use in _interpretations(rs, path, rule, rs.id, rule_id, policies)]
