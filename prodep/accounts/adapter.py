from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter

from prodep.journal import crypto


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        """Keep every subject neutral: no site name, no topic.

        Someone else may read the inbox or its notifications, so subjects say only what the
        mail is for ("Confirm your email address"), never what the site is about.
        """
        return subject.strip()

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
