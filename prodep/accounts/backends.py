"""Authentication backends that load what every page reads with the user, in one query."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _LoadsProfiles:
    """The user with their profile (discreet mode, the safety note) and therapist profile.

    Every signed-in page reads both (the page title, the "Clients" link, the therapist gate):
    joined here, they cost no query of their own.
    """

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile", "therapist_profile")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_LoadsProfiles, DjangoModelBackend):
    pass


class AuthenticationBackend(_LoadsProfiles, AllauthBackend):
    pass
