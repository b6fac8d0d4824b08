"""allauth's account forms, with the changes that keep membership private."""

from typing import cast

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password

from .emails import normalise_email
from .timezones import available_time_zones


class LoginForm(AllauthLoginForm):
    def clean_login(self) -> str:
        """Any spelling of an address (fullwidth letters, capitals) signs in to its account."""
        return normalise_email(super().clean_login())


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """Sign-up with a taken address does the same costly work as a new one.

        allauth answers a taken address as if it were new (the same page, an email either
        way), but skipped hashing the password: about 10 ms instead of 150 ms, enough to tell
        that an address has an account. Being a member is itself sensitive here, so the
        password is hashed (and thrown away) on that path too.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ResetPasswordForm(AllauthResetPasswordForm):
    def clean_email(self) -> str:
        """The normalised address, not the one typed: the mail and the per-address limit on
        resets both go by it (allauth looks the account up by it but returned the typed text,
        so each look-alike spelling had a fresh limit)."""
        super().clean_email()
        return get_adapter().clean_email(self.cleaned_data["email"])


AUTOMATIC = ""


class TimeZoneForm(forms.Form):
    """Settings' time zone list, and the browser's report of its own zone (``detected``)."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Times on every page, in emails and in your data download are shown for it.",
        error_messages={
            "invalid_choice": "That time zone was not recognised. Choose one from the list."
        },
    )
    detected = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = [
            (AUTOMATIC, "Automatic: the time zone of the device you use"),
            *((name, name.replace("_", " ")) for name in available_time_zones()),
        ]
