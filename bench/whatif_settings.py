"""bench.settings with the two per-request writes throttled (see bench/whatif.py)."""

from bench.settings import *  # noqa: F403
from bench.settings import MIDDLEWARE

SESSION_SAVE_EVERY_REQUEST = False
MIDDLEWARE = [
    "bench.whatif.ThrottledUserSessionsMiddleware"
    if name == "allauth.usersessions.middleware.UserSessionsMiddleware"
    else name
    for name in MIDDLEWARE
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "bench.whatif.SessionRefreshMiddleware",
)
