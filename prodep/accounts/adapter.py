import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from prodep.journal import crypto

from .timezones import zone_of

security_log = logging.getLogger("prodep.security")


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """Keep every subject neutral: no site name, no topic.

        Someone else may read the inbox or its notifications, so subjects say only what the
        mail is for ("Confirm your email address"), never what the site is about.
        """
        return subject.strip()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """A mail server outage must not turn sign-up or a reset into an error page.

        The failure is logged (without the address) and the person is told to try again; the
        code page offers "send again".
        """
        try:
            super().send_mail(template_prefix, email, context)
        except (OSError, smtplib.SMTPException):
            security_log.exception("Could not send %s email", template_prefix.rsplit("/", 1)[-1])
            request = getattr(allauth_context, "request", None)
            if request is not None:
                messages.error(
                    request,
                    "We could not send an email just now. Please try again in a few minutes.",
                )

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """Security notices ("your password was changed") give the time in the reader's zone,
        even when the change came from a request that was not signed in (a password reset)."""
        with timezone.override(zone_of(user) or timezone.UTC):
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
