"""PostgreSQL, with a connection health check that costs no round trip while it is healthy.

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request
that reuses a connection: on a signed-in page of two or three queries that is a third of its
round trips. A connection the server has ended (an administrator, a restart, a failover) has
something waiting on its socket while it is idle: the server's notice that it is closing, or
the end of the stream. So: nothing to read means healthy, without asking; something to read
means ask the server as Django would, and reconnect if it does not answer. A connection lost
silently (a network cut) is not seen here; its first query fails, Django drops it at the end
of that request, and the next request opens a new one.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    # PostgreSQL only; the suite covers it when run on PostgreSQL (test_connection_health.py).
    def is_usable(self) -> bool:  # pragma: no cover
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        return not waiting or super().is_usable()
