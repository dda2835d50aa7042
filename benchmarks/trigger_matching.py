"""Trigger matching alone: the native matcher against durable_rules on the same events.

Both engines read events through one intake (`quyche.evaluation.intake.Reader`); the
durable backend replaces only the matcher it asks which duties an event raises
(`quyche.evaluation.durable.DurableMatcher`). Timing `evaluate` end to end with each
engine therefore compares two nearly identical paths: on a year of broadcast segments
durable_rules sees one event in a hundred. This measures the part that differs, on the
same questions:

1. the questions: the reader reads the first events of a stream with a recording
   matcher, which notes, for every event that may raise a duty, its type and the data
   the duties' tests are asked about (the reader's own `ev.model_dump()`);
2. each matcher answers them all, as the reader asks (the duties of the type, whether
   each trigger holds, and where it does the first exception that holds), answers
   checked identical, CPU seconds timed;
3. durable_rules' own share: the `post` calls the durable matcher made on its shared
   host, recorded once and replayed through that host alone (its JSON round trip, the
   Rete match, its Python action machinery, and the collection of the reference cycles
   it leaves, at the matcher's pace). What is left of the durable matcher's time
   is ours: encoding events into messages (also timed alone, `DurableMatcher.messages`),
   the lock, reading which rule fired.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Iterable, Sequence
from typing import Any

import quyche
from quyche.evaluation.context import Context
from quyche.evaluation.intake import Reader

__all__ = ["ask", "matching", "questions"]

#: (event type, the data its duties' tests read, or None when no duty of its type exists)
Question = tuple[str, "dict[str, Any] | None"]


class _Recorder:
    """A matcher that answers as `inner` does and notes what it was asked."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.asked = inner, []

    def duties(self, event_type: str) -> Sequence[Any]:
        self.asked.append((event_type, None))
        at = len(self.asked) - 1

        def noted(holds: Any) -> Any:
            def test(data: dict[str, Any]) -> bool:
                self.asked[at] = (event_type, data)
                return holds(data)

            return test

        return [rule._replace(holds=noted(rule.holds)) for rule in self.inner.duties(event_type)]


def questions(rs: quyche.RuleSet, events: Iterable[Any], as_of: str, since: str,
              sites: list[dict]) -> list[Question]:
    """What the reader asks its matcher over `events`, in order."""
    ctx = Context(rs, as_of, since, sites)
    recorder = _Recorder(Reader(ctx).matcher)
    Reader(ctx, matcher=recorder).add_all(events)
    return recorder.asked


def ask(matcher: Any, asked: Sequence[Question]) -> list[tuple[str, bool, str | None]]:
    """Every answer of `matcher`: (duty, trigger holds, the exception that applies)."""
    out = []
    for event_type, data in asked:
        for ob, holds, exceptions in matcher.duties(event_type):
            hit = holds(data)
            out.append((ob.id, hit, next((ex.id for ex, test in exceptions if test(data)), None)
                        if hit else None))
    return out


def _cpu(repeat: int, works: Sequence[Any]) -> list[float]:
    """Median CPU seconds of each of `works`, run in turn `repeat` times (on a shared
    machine, alternating keeps a slow spell from landing on one of them only), with the
    cyclic collector paused as an evaluation pauses it."""
    runs: list[list[float]] = [[] for _ in works]
    for _ in range(max(1, repeat)):
        for work, seconds in zip(works, runs, strict=True):
            gc.collect()
            gc.disable()  # as `evaluate` runs (evaluation.collector)
            try:
                started = time.process_time()
                work()
                seconds.append(time.process_time() - started)
            finally:
                gc.enable()
    return [statistics.median(seconds) for seconds in runs]


def _posts(host: Any, matcher: Any, asked: Sequence[Question]) -> list[tuple[str, Any]]:
    """The (ruleset, message) pairs `matcher` posts on `host` to answer `asked`."""
    posted: list[tuple[str, Any]] = []
    post = host.post

    def recording(ruleset: str, message: Any, complete: Any = None) -> Any:
        posted.append((ruleset, message))
        return post(ruleset, message)

    host.post = recording  # shadows the method on this instance only
    try:
        ask(matcher, asked)
    finally:
        del host.post
    return posted


def matching(rs: quyche.RuleSet, events: Iterable[Any], as_of: str, since: str,
             sites: list[dict], repeat: int) -> dict[str, Any]:
    """Native and durable_rules trigger matching on the same questions: CPU seconds, per
    event that may raise a duty, and durable_rules' own share (BackendUnavailable when
    durable_rules is not installed)."""
    from quyche.evaluation.durable import COLLECT_EVERY, DurableMatcher, shared_host

    asked = questions(rs, events, as_of, since, sites)
    native = Reader(Context(rs, as_of, since, sites)).matcher
    durable = DurableMatcher(rs)
    same = ask(native, asked) == ask(durable, asked)
    posts = _posts(shared_host(), durable, asked)
    post = shared_host().post

    def engine_alone() -> None:  # every ruleset is a partition: each post fires one rule
        for i, (ruleset, message) in enumerate(posts, 1):
            post(ruleset, message)
            if not i % COLLECT_EVERY:  # its garbage freed as the matcher frees it
                gc.collect(0)

    def conversion() -> None:  # the messages alone, as the matcher encodes them
        for event_type, data in asked:
            durable.messages(event_type, data)

    t_native, t_durable, t_engine, t_conversion = _cpu(
        repeat, [lambda: ask(native, asked), lambda: ask(durable, asked), engine_alone,
                 conversion])
    n = max(1, len(asked))
    return {"trigger_capable_events": len(asked),
            "events_of_a_type_with_duties": sum(data is not None for _, data in asked),
            "durable_rules_posts": len(posts),
            "native_s_median": t_native, "durable_s_median": t_durable,
            "native_us_per_event": t_native / n * 1e6,
            "durable_us_per_event": t_durable / n * 1e6,
            "durable_rules_post_alone_us_per_event": t_engine / n * 1e6,
            "durable_rules_post_alone_us_per_post": t_engine / max(1, len(posts)) * 1e6,
            "durable_outside_durable_rules_us_per_event": (t_durable - t_engine) / n * 1e6,
            "durable_conversion_us_per_event": t_conversion / n * 1e6,
            "durable_rules_share_of_durable": t_engine / t_durable if t_durable else 0.0,
            "durable_over_native": t_durable / t_native if t_native else float("inf"),
            "answers_identical": same}
