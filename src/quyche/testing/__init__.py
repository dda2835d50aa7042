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

try:
    import hypothesis  # noqa: F401  (the testing extra's one dependency)
except ImportError:  # pragma: no cover - depends on the environment
    # The scenario runner (`quyche test`) and the pytest plugin live in this package too
    # and need no hypothesis: only the strategies do, and they say so when asked for.
    def __getattr__(name: str) -> object:
        if name in __all__:
            raise ImportError(f"quyche.testing.{name} needs hypothesis: "
                              "pip install 'quyche[testing]'")
        raise AttributeError(f"module 'quyche.testing' has no attribute {name!r}")
else:
    from .event_lists import events, invalid_events
    from .hostile import arbitrary_events, malformed_rule_set_texts
    from .profiles import register_profiles
    from .streams import (
        Stream,
        actor_registries,
        discharging_events,
        event_streams,
        site_registries,
    )
    from .variations import rule_set_variations
