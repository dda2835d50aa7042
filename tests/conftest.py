"""Shared test configuration: the hypothesis profile, from HYPOTHESIS_PROFILE (default dev).

`quyche.testing.register_profiles()` defines `dev` (few examples, a deadline) and
`ci` (more examples, no deadline); `.ci/run` sets HYPOTHESIS_PROFILE=ci.
"""

import os

from hypothesis import settings

from quyche.testing import register_profiles

register_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
