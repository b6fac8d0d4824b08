import logging

from allauth.account.signals import password_changed, password_reset, user_logged_in
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import two_factor
from .models import Profile, User

# Security events, for the operator: who and what, never passwords, codes or content.
security_log = logging.getLogger("prodep.security")


@receiver(post_save, sender=User)
def create_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    security_log.info("login user=%s", user.pk)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    security_log.info("logout user=%s", getattr(user, "pk", None))


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    security_log.warning("login failed")


@receiver(password_changed)
@receiver(password_reset)
def log_password_change(sender, request, user, **kwargs):
    security_log.info("password changed user=%s", user.pk)


@receiver(authenticator_added)
@receiver(authenticator_removed)
def log_authenticator_change(sender, request, user, authenticator, **kwargs):
    security_log.info("authenticator %s user=%s", authenticator.type, user.pk)


@receiver(authenticator_added)
def bind_new_authenticator_to_this_session(sender, request, user, authenticator, **kwargs):
    """The person who set it up is the one signed in: this session counts it, the others end.

    Without this, a session signed in by password alone elsewhere would keep going as if it
    had passed two-factor sign-in too.
    """
    two_factor.count_setup_as_second_factor(request, user, authenticator)
    two_factor.end_other_sessions(request, user)


@receiver(authenticator_removed)
def end_sessions_that_relied_on_it(sender, request, user, authenticator, **kwargs):
    two_factor.forget_removed_authenticators(request, user)
    two_factor.end_other_sessions(request, user)
