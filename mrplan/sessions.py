"""Sessions in the database that remember when they were last written (SESSION_ENGINE).

Every write sets the session's expiry SESSION_COOKIE_AGE ahead (Django's database sessions)
and records its time under RENEWED_KEY, whatever caused it: a log-in, a message, a kept form,
or mrplan.middleware.IdleSessionMiddleware renewing an active user's session.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

RENEWED_KEY = "_renewed"


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        self._get_session()[RENEWED_KEY] = int(timezone.now().timestamp())
        super().save(must_create=must_create)

    def renewed(self):
        """When the session was last written (seconds since the epoch; 0: before mrplan kept it)."""
        return self.get(RENEWED_KEY, 0)
