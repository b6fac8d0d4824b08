"""The database session store, reading its row in plain SQL (``prodep.accounts.loading``).

Everything else (saving, the expiry, deleting a session to end it) is Django's: the database
stays the one record, so ending a session takes effect on every app server at the next request.
"""

from django.contrib.sessions.backends import db

from .loading import load_session_data


class SessionStore(db.SessionStore):
    def load(self):
        data = load_session_data(self.model, self.session_key) if self.session_key else None
        if data is None:
            self._session_key = None
            return {}
        return self.decode(data)
