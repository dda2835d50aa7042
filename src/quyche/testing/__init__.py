"""Testing with quyche: hypothesis strategies (`quyche.testing.strategies`, re-exported
here), scenario files (`quyche.testing.scenarios`) and their pytest plugin.

The strategies need the `testing` extra (hypothesis) and load on first use, so that
scenario files and the pytest plugin, which every install registers, work without it.
"""

from __future__ import annotations

from typing import Any

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


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'quyche.testing' has no attribute {name!r}")
