"""What allauth's account pages need beyond allauth: saying why the password is asked again."""

from urllib.parse import urlsplit

from django import template
from django.urls import Resolver404, resolve

register = template.Library()

# The pages behind a password re-check (``reauthentication_required``), by URL name, in words.
PURPOSES = {
    "clinic:share": "change who can read one of your answers",
    "export_data": "download everything of yours",
    "delete_account": "delete your account",
    "clinic:client_end": "end your link with a therapist",
    "usersessions_list": "see where you are signed in, and sign out there",
    "account_email": "change your email address",
    "account_change_password": "change your password",
}


@register.filter
def reauthentication_purpose(next_url: str | None) -> str:
    """What the reader is about to do, from the page they will return to; "" if not known."""
    if not next_url:
        return ""
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return ""
    if match.view_name.startswith("mfa_"):
        return "change how you sign in with a second step"
    return PURPOSES.get(match.view_name, "")
