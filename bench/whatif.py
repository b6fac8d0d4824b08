"""What if the two writes every signed-in request makes were throttled? (``--what-if throttle``)

A proposal, measured by the bench, not part of the app: ``bench/whatif_settings.py`` swaps these
in, and ``prodep/settings.py`` is untouched. Before a signed-in page does anything, two rows are
written: Django saves the session (``SESSION_SAVE_EVERY_REQUEST``, for the 30-minute idle
timeout) and allauth's ``UserSessionsMiddleware`` updates the user-session row
(``USERSESSIONS_TRACK_ACTIVITY``, "last seen" on the sessions page). Neither needs to-the-second
precision. Here each is refreshed at most once a minute, and at once when the client's address
or browser changes, so the sessions page and its "session moved" signal stay right.
"""

import hashlib
import time

THROTTLE_SECONDS = 60
SEEN_KEY = "_usersession_seen"  # [when, hash of IP and user agent]
REFRESHED_KEY = "_session_refreshed"


class ThrottledUserSessionsMiddleware:
    """allauth's UserSessionsMiddleware, writing at most once a minute per session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            from allauth.account.adapter import get_adapter
            from allauth.usersessions.models import UserSession

            agent = request.META.get("HTTP_USER_AGENT", "")
            client = f"{get_adapter().get_client_ip(request)}|{agent}"
            fingerprint = hashlib.blake2s(client.encode(), digest_size=8).hexdigest()
            seen = session.get(SEEN_KEY)
            now = time.time()
            if not seen or now - seen[0] > THROTTLE_SECONDS or seen[1] != fingerprint:
                UserSession.objects.create_from_request(request)
                session[SEEN_KEY] = [now, fingerprint]
        return self.get_response(request)


class SessionRefreshMiddleware:
    """With SESSION_SAVE_EVERY_REQUEST off: save (so extend) a session at most once a minute.

    Goes right below SessionMiddleware, so that its response phase runs first. The idle timeout
    then ends a session between 29 and 30 minutes after the last request instead of at 30.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = time.time()
            if now - session.get(REFRESHED_KEY, 0) > THROTTLE_SECONDS:
                session[REFRESHED_KEY] = now  # marks the session modified: it is saved
        return response
