"""Shared test configuration: the hypothesis profile, from HYPOTHESIS_PROFILE (default dev).

`quyche.testing.register_profiles()` defines `dev` (few examples, a deadline) and
`ci` (more examples, no deadline); `.ci/run` sets HYPOTHESIS_PROFILE=ci.
"""

import os

from hypothesis import HealthCheck, settings

from quyche.testing import register_profiles

register_profiles()
# `make fuzz`: tests/test_fuzz.py long and random, a deadline on every example (a blow-up
# in time fails it; `make fuzz` also caps the memory).
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")),
                          deadline=30_000, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
