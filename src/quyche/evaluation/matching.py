"""Trigger matching: which triggered duties an event raises, behind a small protocol.

The reader asks a `TriggerMatcher` for the duties an event type feeds; each comes with
the test of its trigger's `where` and the tests of its deadline exceptions, in the rule
set's order (the first exception that holds applies). `NativeMatcher` compiles the
rule set's conditions in Python (`conditions.compile`); the durable_rules backend
(`durable.DurableMatcher`) answers the same questions from a Rete engine. Deadlines,
owners and the ledger stay the reader's, whichever matcher it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from .. import conditions
from ..model import DeadlineException, Obligation, RuleSet

__all__ = ["NativeMatcher", "TriggerMatcher", "TriggerRule"]

#: A compiled condition over an event's data.
Test = Callable[[dict[str, Any]], bool]


class TriggerRule(NamedTuple):
    """A triggered duty as a matcher answers it: the duty, its trigger's test, and its
    exceptions' tests (the trigger's test is always asked first, once per event)."""

    obligation: Obligation
    holds: Test
    exceptions: Sequence[tuple[DeadlineException, Test]]


class TriggerMatcher(Protocol):
    """What the reader needs to know of triggers."""

    def duties(self, event_type: str) -> Sequence[TriggerRule]:
        """The triggered duties events of this type feed; asked once per event raised."""
        ...


class NativeMatcher:
    """The rule set's trigger conditions, compiled in Python once per evaluation."""

    def __init__(self, rule_set: RuleSet) -> None:
        self._by_type: dict[str, list[TriggerRule]] = {}
        for ob in rule_set.obligations:
            if ob.trigger is not None:
                self._by_type.setdefault(ob.trigger.event, []).append(TriggerRule(
                    ob, conditions.compile(ob.trigger.where),
                    [(ex, conditions.compile(ex.when)) for ex in ob.exceptions]))

    def duties(self, event_type: str) -> Sequence[TriggerRule]:
        return self._by_type.get(event_type, ())
