"""The durable_rules backend: the rule sets' own conditions, matched by a Rete engine.

`evaluate(..., engine="durable")` hands the *matching* of events to rules to
durable_rules (the `durable` extra): which triggered duties an event type feeds,
whether a trigger's `where` holds, and which deadline exception's `when` applies,
all compiled from the same YAML through `conditions.to_durable`. Deadlines, the
working-day calendar, the ledger and the statuses stay quyche's: durable_rules
timers run on wall-clock time and cannot evaluate a history. The differential
test holds both engines to identical reports, which is what makes the YAML
conditions trustworthy outside this package.

durable_rules has limits, measured on 2.0.28 (docs/durable.md), and each is met
by construction here rather than by luck:

- Sessions: state per `sid` is never freed, and after 1024 distinct sids the
  engine raised MemoryError and the process then died of a segfault. Every
  message uses one sid, whose state holds nothing: events are consumed by the
  rule that fires.
- A message no rule matches raises `MessageNotHandledException`, and an event
  that matches several rules fires only one of them. Every ruleset compiled here
  is a partition: its rules are mutually exclusive (explicit negations, first
  exception wins as in the native engine) and together cover every message, so
  exactly one fires; anything else raises `EvaluationError`, never a silent loss.
- Actions of `post_batch`, and actions the host's dispatch threads pick up, run
  later on another thread. The host used here starts no dispatch threads, and
  each event is posted with a synchronous `post` whose action records its rule
  before `post` returns, under a lock.
- durable_rules compares loosely ('1' == 1, 'true' == True, a missing field is
  unequal to everything) and knows no `null`. Values are posted encoded (a
  tagged equality key, a comparison class and an ordinal per field) and
  conditions rewritten to match (`durable_encoding`), so a condition means exactly what
  `conditions.compile` makes of it in Python.
- Ruleset names are global to a host and cannot be reused: each compiled rule
  set gets names derived from a digest of the rule set, and is compiled once per
  process (about 80 KB of engine memory per ruleset). durable_rules never frees a
  ruleset by itself: the compiled rule sets are kept in an LRU of `MAX_COMPILED`;
  one evicted is unregistered and deleted in the engine, and registered anew if a
  reader still holding it posts again.
- A rule whose condition holds for a message lacking the tested fields also
  matches the session's own state record and loops forever; every rule here
  tests the event `type`, which that record lacks.
- Each post leaves about two dozen objects in reference cycles (its action's callbacks,
  a timer callback that refers to itself), which only the cyclic collector frees; an
  evaluation pauses it (`evaluation.collector`). While it is paused, the youngest
  generation is collected every COLLECT_EVERY posts: without it, a year with 77 000
  posts held 240 MB of them to its end.
- A rule may hold only so many expressions (error 113): a `$in` of about 16
  values is too many once equality is encoded. Duplicate values are dropped
  before compiling; a condition still too large raises `EvaluationError` naming
  the limit, and the native engine has none.
"""

from __future__ import annotations

import gc
import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import conditions
from ..errors import BackendUnavailable, EvaluationError
from ..model import Obligation, RuleSet, Trigger
from .durable_encoding import SID, Expr, MessageEncoder, all_of, fields_read, lower
from .matching import TriggerRule

__all__ = ["SID", "DurableMatcher", "rulesets", "shared_host"]

_INSTALL_HINT = 'the durable_rules backend needs durable_rules: pip install "quyche[durable]"'


def _engine() -> Any:
    """durable_rules' engine module, or BackendUnavailable with the install hint."""
    try:
        from durable import engine
    except ImportError as exc:
        raise BackendUnavailable(_INSTALL_HINT) from exc
    return engine


# --------------------------------------------------------------------------- rulesets

_NOTHING = "feeds_nothing"
_DEADLINE = "deadline"
_NO_TRIGGER = "no_trigger"
_OTHER_TYPE = "other_type"


def _router(feeds: Mapping[str, Sequence[int]]) -> dict[str, Expr]:
    """Event type -> the triggered duties it feeds; one rule per type, one for the rest."""
    rules: dict[str, Expr] = {f"feeds_{t}": {"type": t} for t in sorted(feeds)}
    rules[_NOTHING] = all_of([{"$ex": {"type": 1}},
                              *({"$neq": {"type": t}} for t in sorted(feeds))])
    return rules


def _duty(ob: Obligation) -> dict[str, Expr]:
    """One triggered duty as a partition: the first exception that holds, the plain
    deadline, no trigger, or (never posted) another event type."""
    assert ob.trigger is not None
    is_type = {"type": ob.trigger.event}
    where = conditions.to_durable(ob.trigger.where)
    rules: dict[str, Expr] = {}
    earlier: list[Expr] = []
    for i, ex in enumerate(ob.exceptions):
        when = conditions.to_durable(ex.when)
        rules[f"exception_{i}"] = all_of([is_type, lower(where), *earlier, lower(when)])
        earlier.append(lower(when, negate=True))
    rules[_DEADLINE] = all_of([is_type, lower(where), *earlier])
    rules[_NO_TRIGGER] = all_of([is_type, lower(where, negate=True)])
    rules[_OTHER_TYPE] = {"$and": [{"$ex": {"type": 1}}, {"$neq": {"type": ob.trigger.event}}]}
    return {name: expr for name, expr in rules.items() if expr is not False}


def _triggered(rule_set: RuleSet) -> list[tuple[Obligation, Trigger]]:
    """The rule set's triggered duties with their triggers, in rule-set order."""
    return [(ob, ob.trigger) for ob in rule_set.obligations if ob.trigger is not None]


def _digest(rule_set: RuleSet) -> str:
    return hashlib.sha256(rule_set.model_dump_json().encode()).hexdigest()[:16]


def rulesets(rule_set: RuleSet) -> dict[str, dict[str, Any]]:
    """The durable_rules rulesets compiled from `rule_set`, as JSON-ready definitions.

    `{ruleset name: {rule name: {"all": [{"m": condition}]}}}`: a router keyed on
    the event type, then one ruleset per triggered duty. The conditions read
    encoded messages (see the module docstring); actions are attached when the
    rulesets are registered.
    """
    prefix = f"quyche_{rule_set.id}_{_digest(rule_set)}"
    duties = _triggered(rule_set)
    feeds: dict[str, list[int]] = {}
    for i, (_ob, trigger) in enumerate(duties):
        feeds.setdefault(trigger.event, []).append(i)
    out = {f"{prefix}_router": _router(feeds)}
    for i, (ob, _trigger) in enumerate(duties):
        out[f"{prefix}_duty{i}"] = _duty(ob)
    return {name: {rule: {"all": [{"m": expr}]} for rule, expr in rules.items()}
            for name, rules in out.items()}


class _Compiled:
    """A rule set's rulesets registered on the shared host, and how to ask them.

    It may be retired (its rulesets freed in the engine, see `_evict`) while a reader
    still holds it; its next `post` registers them again.
    """

    def __init__(self, rule_set: RuleSet, host: Any, engine: Any, lock: threading.RLock):
        self._host, self._lock = host, lock
        self._rule_set = rule_set
        self.key = _key_of(rule_set)
        self._not_handled = engine.MessageNotHandledException
        self._fired: list[str] = []
        self.posts = 0
        self.names = list(rulesets(rule_set))
        self.router = self.names[0]
        duties = _triggered(rule_set)
        #: (obligation, its ruleset), in rule-set order as the native engine visits them
        self.duties = [(ob, name) for (ob, _), name in zip(duties, self.names[1:], strict=True)]
        fields: dict[str, set[str]] = {}
        for ob, trigger in duties:
            read = fields.setdefault(trigger.event, set())
            read |= fields_read(conditions.to_durable(trigger.where))
            for ex in ob.exceptions:
                read |= fields_read(conditions.to_durable(ex.when))
        #: event type -> the fields the conditions of the duties it feeds read
        self.fields = {t: tuple(sorted(f)) for t, f in fields.items()}
        self.live = False
        self.register()

    def register(self) -> None:
        """Register the rulesets on the host (durable_rules consumes the definitions)."""
        definitions = rulesets(self._rule_set)
        for definition in definitions.values():
            for rule_name, rule in definition.items():
                rule["run"] = self._action(rule_name)
        register(self._host, definitions, self._rule_set.id)
        self.live = True

    def retire(self) -> None:
        """Unregister the rulesets and free them in the engine (durable_rules has no call
        for it on the host: its directory and list are edited here)."""
        import durable_rules_engine

        for name in self.names:
            ruleset = self._host._ruleset_directory.pop(name)
            self._host._ruleset_list.remove(ruleset)
            durable_rules_engine.delete_ruleset(ruleset._handle)
        self.live = False

    def _action(self, rule_name: str) -> Any:
        fired = self._fired

        def run(c: Any) -> None:  # one positional parameter: durable_rules runs it synchronously
            fired.append(rule_name)

        return run

    def post(self, ruleset: str, message: dict[str, Any]) -> str:
        """The one rule of `ruleset` that fires for `message`."""
        with self._lock:
            if not self.live:
                _remember(self)
            fired = self._fired
            fired.clear()
            try:
                self._host.post(ruleset, message)
            except self._not_handled:
                fired.clear()
            if len(fired) != 1:
                raise EvaluationError(
                    f"durable backend: {len(fired)} rules of {ruleset} fired for {message!r}; "
                    "its rules should partition the messages (please report this)")
            _collect_young(self)
            return fired[0]


#: posts between two collections of the youngest generation while the collector is paused
COLLECT_EVERY = 1024


def _collect_young(compiled: _Compiled) -> None:
    """Free the reference cycles durable_rules leaves behind each post, every
    COLLECT_EVERY posts, when the collector is paused (as an evaluation pauses it)."""
    compiled.posts += 1
    if not compiled.posts % COLLECT_EVERY and not gc.isenabled():
        gc.collect(0)


_LOCK = threading.RLock()
_HOST: Any = None
#: Compiled rule sets, least recently used first. Each distinct (rule set, overrides)
#: compiles its own rulesets; past MAX_COMPILED the least recently used is retired
#: (freed in the engine), so a long-running process that evaluates many override
#: combinations holds a bounded number (docs/durable.md). A retired one still held by
#: a reader is found again through _RETIRED and registered anew on its next use.
_COMPILED: OrderedDict[str, _Compiled] = OrderedDict()
_RETIRED: weakref.WeakValueDictionary[str, _Compiled] = weakref.WeakValueDictionary()
MAX_COMPILED = 32


def shared_host() -> Any:
    """The process's durable_rules host, without dispatch threads: actions run inside
    `post`, on the caller's thread, and nowhere else. Every compiled rule set is
    registered on it (the benchmark times its `post` alone through it)."""
    global _HOST
    engine = _engine()
    with _LOCK:
        if _HOST is None:
            class _SyncHost(engine.Host):  # type: ignore[misc,name-defined]
                def _run(self) -> None:  # the base class starts two dispatch timer threads
                    pass

            _HOST = _SyncHost()
        return _HOST


#: durable_rules' error codes for rulesets it cannot create (its rules.h).
_CREATE_ERRORS = {106: "too many rules", 108: "too many joins",
                  113: "too many expressions in one rule"}


def register(host: Any, definitions: Mapping[str, Any], owner: str) -> None:
    """Register rulesets on `host`; durable_rules' refusals become `EvaluationError`."""
    try:
        host.register_rulesets(dict(definitions))
    except Exception as exc:  # durable_rules_engine.error, a bare Exception subclass
        code = next((int(w) for w in str(exc).split() if w.isdigit()), None)
        what = _CREATE_ERRORS.get(code or 0, "an error")
        raise EvaluationError(
            f"durable backend: durable_rules cannot compile the conditions of {owner} "
            f"({what}: {exc}); evaluate it with engine='native'") from None


def _key_of(rule_set: RuleSet) -> str:
    return f"{rule_set.id}_{_digest(rule_set)}"


def _compiled(rule_set: RuleSet) -> _Compiled:
    """The rule set's registered rulesets, compiled on first use in this process."""
    host = shared_host()
    key = _key_of(rule_set)
    with _LOCK:
        found = _COMPILED.get(key) or _RETIRED.get(key)
        if found is None:
            found = _Compiled(rule_set, host, _engine(), _LOCK)
        _remember(found)
        return found


def _remember(compiled: _Compiled) -> None:
    """Mark `compiled` most recently used (registering it again if it was retired), and
    retire the least recently used past MAX_COMPILED. Called under _LOCK."""
    if not compiled.live:
        compiled.register()
    _RETIRED.pop(compiled.key, None)
    _COMPILED[compiled.key] = compiled
    _COMPILED.move_to_end(compiled.key)
    while len(_COMPILED) > max(MAX_COMPILED, 1):
        _key, oldest = _COMPILED.popitem(last=False)
        oldest.retire()
        _RETIRED[oldest.key] = oldest


def compiled_count() -> int:
    """How many compiled rule sets this process holds registered (at most MAX_COMPILED)."""
    return len(_COMPILED)


# --------------------------------------------------------------------------- reader


class _Duty:
    """One triggered duty's `where` and exception tests, answered by its ruleset.

    The matcher gives it to the reader as a `TriggerRule`: its `holds` posts the event
    once and remembers which rule of the partition fired; the exception tests read that.
    """

    def __init__(self, compiled: _Compiled, ob: Obligation, trigger: Trigger,
                 ruleset: str) -> None:
        self._compiled, self.ruleset = compiled, ruleset
        self.event_type = trigger.event
        self.encode = MessageEncoder(compiled.fields[trigger.event])
        self._data: Any = None
        self._rule = ""
        self.rule = TriggerRule(ob, self.holds, [(ex, self._test(f"exception_{i}"))
                                                 for i, ex in enumerate(ob.exceptions)])

    def holds(self, data: dict[str, Any]) -> bool:
        rule = self._compiled.post(self.ruleset, self.encode(data))
        if rule == _OTHER_TYPE:
            raise EvaluationError(f"durable backend: {data.get('type')} routed to "
                                  f"{self.rule.obligation.id}")
        self._data, self._rule = data, rule
        return rule != _NO_TRIGGER

    def _test(self, rule: str) -> Callable[[dict[str, Any]], bool]:
        def test(data: dict[str, Any]) -> bool:
            if data is not self._data:
                raise EvaluationError("durable backend: an exception was tested before the "
                                      "trigger's condition")
            return self._rule == rule

        return test


class DurableMatcher:
    """Trigger matching by durable_rules: a `matching.TriggerMatcher`.

    Each event that may raise a duty asks the router which duties its type feeds, then
    each of those duties' rulesets whether its trigger holds and which exception applies.
    """

    def __init__(self, rule_set: RuleSet) -> None:
        self._compiled = compiled = _compiled(rule_set)
        #: the router's rule for each event type fed -> that type's duties
        self._feeds: dict[str, list[TriggerRule]] = {_NOTHING: []}
        self._duties: dict[str, list[_Duty]] = {}
        for ob, ruleset in compiled.duties:
            assert ob.trigger is not None
            duty = _Duty(compiled, ob, ob.trigger, ruleset)
            self._feeds.setdefault(f"feeds_{duty.event_type}", []).append(duty.rule)
            self._duties.setdefault(duty.event_type, []).append(duty)
        #: event type -> the router's message for it (the same for every event of the type)
        self._routes: dict[str, dict[str, Any]] = {}

    def _route(self, event_type: str) -> dict[str, Any]:
        message = self._routes.get(event_type)
        if message is None:
            message = self._routes[event_type] = {"sid": SID, "type": event_type}
        return message

    def duties(self, event_type: str) -> Sequence[TriggerRule]:
        return self._feeds[self._compiled.post(self._compiled.router, self._route(event_type))]

    def messages(self, event_type: str, data: dict[str, Any] | None = None
                 ) -> list[tuple[str, dict[str, Any]]]:
        """What this matcher posts for an event of `event_type` whose duties' tests read
        `data`: (ruleset, message) for the router, then for each duty of the type. For
        reading the encoding, and for the benchmark, which times it apart."""
        posted = [(self._compiled.router, self._route(event_type))]
        if data is not None:
            posted += [(duty.ruleset, duty.encode(data))
                       for duty in self._duties.get(event_type, ())]
        return posted
