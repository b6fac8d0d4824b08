"""The account's own records, declared in the personal-data registry (``prodep.personal_data``)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session

from prodep.personal_data import Admin, Deletion, declare

from .models import Profile, User


def export_account(user: User) -> dict:
    return {
        "email": user.email,
        "joined": user.date_joined.isoformat(),
        "discreet_mode": user.profile.discreet_mode,
        "time_zone": user.profile.time_zone,
    }


def end_sessions(user: User) -> None:
    """The session rows behind the account's tracked sessions: no key to the user cascades."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()


declare(
    User,
    owner="pk",
    deletion=Deletion.ACCOUNT,
    admin=Admin.EDITABLE,
    export=("account", export_account),
)
declare(
    Profile,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.EDITABLE,
    not_exported="its preferences are in the account section",
)
declare(
    EmailAddress,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.EDITABLE,
    not_exported="the address the account signs in with is in the account section",
)
declare(
    Authenticator,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.EDITABLE,
    not_exported="two-factor secrets: a copy in a download would be a second factor to steal",
)
declare(
    UserSession,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.EDITABLE,
    not_exported="the signed-in devices are listed on the sessions page",
    before_deletion=end_sessions,
)
declare(
    LogEntry,
    owner="user",
    deletion=Deletion.CASCADE,
    admin=Admin.NOT_SHOWN,
    not_exported="the record of a staff member's own edits in the admin",
)
