"""Authentication backends that load what every page reads with the user, in one query."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .loading import load_user


class _LoadsProfiles(DjangoModelBackend):
    """The user with their profile (discreet mode, the time zone) and therapist profile.

    Every signed-in page reads both (the page title, the "Clients" link, the therapist gate):
    joined here, in plain SQL built once (``loading.load_user``), they cost no query of their
    own and no query building on each request.
    """

    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_LoadsProfiles, DjangoModelBackend):
    pass


class AuthenticationBackend(_LoadsProfiles, AllauthBackend):
    pass
