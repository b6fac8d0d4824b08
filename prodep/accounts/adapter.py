import functools
import logging
from datetime import UTC

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from prodep import crypto, mail
from prodep.urlkit import absolute_url

from . import two_factor
from .emails import login_key, normalise_email
from .timezones import zone_of

security_log = logging.getLogger("prodep.security")


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """Keep every subject neutral: no site name, no topic.

        Someone else may read the inbox or its notifications, so subjects say only what the
        mail is for ("Confirm your email address"), never what the site is about.
        """
        return subject.strip()

    def clean_email(self, email: str) -> str:
        """One spelling per mailbox on sign-up, reset and adding an address (see ``emails``)."""
        return normalise_email(super().clean_email(email))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every link on the trusted base; a mail server outage is no error page.

        allauth builds its links (reset, sign-up, confirmation) from the request's host, in
        places without a hook of their own; every mail passes through here, so each ``*_url``
        is rebuilt on ``site_url()``: ``Host: localhost:31337`` put that address in a reset link.

        A failure to send (``prodep.mail``) tells the person to try again: the code page offers
        "send again", a reset can be asked for again, and the email page can send a
        verification again.
        """
        context = {
            key: absolute_url(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        send = functools.partial(super().send_mail, template_prefix, email, context)
        if not mail.deliver(send, template_prefix.rsplit("/", 1)[-1]):
            request = getattr(allauth_context, "request", None)
            if request is not None:
                messages.error(request, mail.NOT_SENT)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed log-ins per account alone, whatever host name the request used.

        allauth prefixes the login with the current site's domain, which without
        ``django.contrib.sites`` is the request's Host header, port included: every new port
        was a fresh budget. The per-address limit is counted separately and stays.
        """
        return login_key(credentials.get("email", credentials.get("username", "")))

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """Security notices ("your password was changed") give the time in the reader's zone,
        even when the change came from a request that was not signed in (a password reset)."""
        with timezone.override(zone_of(user) or UTC):
            super().send_notification_mail(template_prefix, user, context, email)

    def get_logout_redirect_url(self, request) -> str:
        """A plain "You are signed out" page, without the site's subject in discreet mode.

        Called before the session ends, so discreet mode can still be read here; it travels
        in the address because signing out clears the site's cookies (Clear-Site-Data).
        """
        profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
        url = reverse("signed_out")
        return f"{url}?discreet=1" if profile is not None and profile.discreet_mode else url

    def pre_authenticate(self, request, **credentials) -> None:
        """Answer an exhausted failed-login budget with a real 429, not just a form error.

        A 429 tells scripts and proxies to back off, and the page explains it to a person.
        """
        key = self._get_login_attempts_cache_key(request, **credentials)
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed", key=key
        )
        if not self._login_failed_rl_usage:
            raise ImmediateHttpResponse(ratelimit.respond_429(request))

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up two-factor sign-in straight after signing in asks for no password again."""
        if app == "allauth.mfa" and two_factor.signed_in_recently_for_setup(
            getattr(allauth_context, "request", None)
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    """Keep TOTP secrets and recovery-code seeds encrypted at rest.

    allauth's default adapter stores them as given; here they go through the same Fernet keys
    as reflections (``REFLECTION_KEYS``), so a copy of the database alone opens nothing, and
    ``rotate_reflection_keys`` re-encrypts them too.
    """

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
