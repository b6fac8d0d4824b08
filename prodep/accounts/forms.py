"""allauth's account forms, with the changes that keep membership private."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password


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
