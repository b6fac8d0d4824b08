"""Talking to a live test server over real HTTP, as a browser without JavaScript would."""

import re
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.test import Client

from tests.factories import sign_in


class LiveBrowser:
    """An HTTP client for a live server that keeps its cookies (secure ones too: the tests run
    production settings over plain http), signed in with a session made in the test database,
    where both the password and an authenticator were used, as a therapist's must be (or, with
    ``recently_authenticated=False``, a session whose sign-in is too old for sensitive steps)."""

    def __init__(self, user, *, recently_authenticated: bool = True):
        client = Client()
        if recently_authenticated:
            sign_in(client, user)
            session = client.session
            session["account_authentication_methods"].append(
                {"method": "mfa", "type": "totp", "at": time.time()}
            )
            session.save()
        else:
            client.force_login(user)
            session = client.session
        self.cookies = {settings.SESSION_COOKIE_NAME: session.session_key}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def open(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode()

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
