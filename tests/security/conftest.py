"""Fixtures shared by the security tests, and the fuzzing depth.

Hypothesis profiles for ``test_fuzz.py``: ``dev`` (40 examples a property) for a quick
local run; ``ci`` (600 a property, 12,000 examples in all) for the one deep run on
SQLite in ``.ci/run``. Pick one with ``HYPOTHESIS_PROFILE=ci``.
"""

import os

from hypothesis import HealthCheck, settings

from tests.clinic.test_permissions import world  # noqa: F401  (the matrix's fixture, reused)

settings.register_profile(
    "dev",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("ci", settings.get_profile("dev"), max_examples=600)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
