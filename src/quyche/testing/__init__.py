"""Hypothesis strategies for property-based tests of quyche and of the systems that use it.

    from hypothesis import given
    import quyche
    from quyche.testing import event_streams

    RULES = quyche.load("path/to/rules.yaml")

    @given(event_streams(RULES, "2024-01-01T00:00:00+07:00", "2024-07-01T00:00:00+07:00"))
    def test_nothing_is_rejected(stream):
        assert stream.evaluate().rejected == []

Every strategy draws from the rule set it is given: submission kinds, categories,
language tags, actors and site kinds are the rule set's own, so generated events
are applied, not rejected, unless invalid ones are asked for. Event lists carry
unique ids, instants with assorted UTC offsets, and references (`backup`,
`incident`, `feedback`, `ref`) that name an earlier event of the right type.

`register_profiles()` registers the hypothesis profiles `dev` (few examples),
`ci` (more examples, no deadline, derandomized) and `hunt` (many, random). Needs
the `testing` extra (hypothesis).
"""

try:
    import hypothesis  # noqa: F401  (the extra's one dependency: say so once, here)
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "quyche.testing needs hypothesis: pip install 'quyche[testing]'"
    ) from exc

from .event_lists import events, invalid_events
from .hostile import arbitrary_events, malformed_rule_set_texts
from .profiles import register_profiles
from .streams import Stream, actor_registries, discharging_events, event_streams, site_registries
from .variations import rule_set_variations

__all__ = [
    "Stream",
    "actor_registries",
    "arbitrary_events",
    "discharging_events",
    "event_streams",
    "events",
    "invalid_events",
    "malformed_rule_set_texts",
    "register_profiles",
    "rule_set_variations",
    "site_registries",
]
