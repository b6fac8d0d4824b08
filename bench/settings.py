"""Production settings for the benchmark harness, with two bench-only changes.

- ``STATIC_ROOT`` is ``BENCH_STATIC_ROOT`` (a temporary folder), so ``collectstatic`` and the
  ceiling file the harness writes there never touch the checkout.
- ``ROOT_URLCONF`` is ``bench.urls``: the site's URLs plus ``/bench/floor/``, the minimal page
  measured as the framework floor.

Everything else is ``prodep.settings``, read from the environment exactly as in production.
"""

import os
from pathlib import Path

from prodep.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
ROOT_URLCONF = "bench.urls"
