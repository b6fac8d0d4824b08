"""Every email Prodep sends goes through here, so a mail server outage never breaks an action.

Sign-up, a password reset, an email change, an invitation or a therapist's update: the action
itself is done (or, for a code, can be asked for again), the failure is logged without the
address, and the caller decides what to tell the person. ``GET /healthz?deep=1`` reports
whether the mail server answers.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from django.core.mail import send_mail

log = logging.getLogger("prodep.mail")

# Refused, reset or timed-out connections, and the SMTP server's own refusals.
MAIL_ERRORS = (OSError, smtplib.SMTPException)
NOT_SENT = "We could not send an email just now. Please try again in a few minutes."


def deliver(send: Callable[[], object], what: str) -> bool:
    """Run ``send``; False, with the failure logged, when the mail server did not take it.

    ``what`` names the email in the log ("invitation", "password_reset_key"): never the
    address, which says who uses Prodep.
    """
    try:
        send()
    except MAIL_ERRORS as error:
        log.warning("Could not send the %s email: %s: %s", what, type(error).__name__, error)
        return False
    return True


def send(subject: str, body: str, to: str, *, what: str) -> bool:
    """A plain-text email from ``DEFAULT_FROM_EMAIL``; False if it could not be sent."""
    return deliver(lambda: send_mail(subject, body, None, [to]), what)
