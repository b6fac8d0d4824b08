"""The account adapter, with where therapists land after signing in."""

from prodep.accounts.adapter import AccountAdapter

from . import reads


class ClinicAccountAdapter(AccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """A therapist's home is their client list (which walks them through two-factor set-up
        the first time); everyone else's is the reading dashboard. A ``next`` link wins, as
        allauth always lets it."""
        return reads.home_url(request.user)
