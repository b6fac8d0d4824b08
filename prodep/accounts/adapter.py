import functools
import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib import messages

from prodep import mail
from prodep.journal import crypto

from . import two_factor

security_log = logging.getLogger("prodep.security")


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """Keep every subject neutral: no site name, no topic.

        Someone else may read the inbox or its notifications, so subjects say only what the
        mail is for ("Confirm your email address"), never what the site is about.
        """
        return subject.strip()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """A mail server outage must not turn sign-up, a reset or an email change into an
        error page (``prodep.mail``).

        The person is told to try again: the code page offers "send again", a reset can be
        asked for again, and the email page can send a verification again.
        """
        send = functools.partial(super().send_mail, template_prefix, email, context)
        if not mail.deliver(send, template_prefix.rsplit("/", 1)[-1]):
            request = getattr(allauth_context, "request", None)
            if request is not None:
                messages.error(request, mail.NOT_SENT)

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
