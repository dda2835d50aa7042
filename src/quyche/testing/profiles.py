"""The hypothesis profiles quyche's own suite and its users load: dev, ci, hunt."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings

__all__ = ["register_profiles"]

def register_profiles() -> None:
    """Register the hypothesis profiles `dev`, `ci` and `hunt`.

    `dev` is fast and random, for the edit-test loop. `ci` runs four times as many
    examples, with no deadline, derandomized: a gate must give the same verdict on
    the same code, so a random draw never blocks a merge. `hunt` is random and long,
    for looking for new failures (quyche runs it with `make hunt`); a failure it
    finds becomes an `@example` or a unit test. Load one with
    `hypothesis.settings.load_profile(name)`, e.g. from an environment variable in
    `conftest.py`.
    """
    # Each from hypothesis' own defaults, not from whichever profile is loaded now.
    base = settings.get_profile("default")
    settings.register_profile(
        "dev", parent=base, max_examples=15, deadline=dt.timedelta(seconds=5),
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "ci", parent=base, max_examples=60, deadline=None, print_blob=True, derandomize=True,
        database=None, suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "hunt", parent=base, max_examples=400, deadline=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
