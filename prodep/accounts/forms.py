"""allauth's account forms, with the changes that keep membership private."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password

from .emails import normalise_email


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
