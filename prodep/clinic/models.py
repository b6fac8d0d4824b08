"""Therapists, the clients who chose to link to them, and what those clients chose to share.

The privacy promise lives here: a therapist reaches a client only through an active
``CareLink``, sees a reflection only through a ``Share`` on that link, and every look writes an
``AccessLog`` row the client can read.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from lessons.models import Lesson, Module
from prodep.journal.models import Reflection

if TYPE_CHECKING:
    from prodep.accounts.models import User

INVITATION_DAYS = 14
UNDO_DAYS = 7  # how long a therapist may undo ending a link


class TherapistProfile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_profile"
    )
    display_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=200, help_text="Licence or qualification.")
    practice = models.CharField(max_length=200)
    country = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    email_updates = models.BooleanField(
        default=False,
        help_text="Email me when a client shares a reflection or finishes an assignment.",
    )
    # Off by default: whoever else reads the client's inbox would learn who invited them.
    name_in_invitations = models.BooleanField(
        default=False, help_text="Add my name to the invitation emails I send."
    )
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_therapist(self, therapist: TherapistProfile) -> Self:
        return self.filter(therapist=therapist).select_related("therapist")


class Invitation(models.Model):
    """A single-use link. Only a hash of its token is stored, so a database leak opens nothing."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        USED = "used", "Used"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        WITHDRAWN = "withdrawn", "No longer available"  # the therapist is no longer approved

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(blank=True)
    message = models.TextField(blank=True, max_length=2000)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Not a column: set on a new invitation by create_invitation, whether its email went out.
    emailed: bool

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} from {self.therapist}"

    @classmethod
    def issue(
        cls, therapist: TherapistProfile, email: str = "", message: str = ""
    ) -> tuple["Invitation", str]:
        """Create an invitation; returns it with the only copy of its token."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            therapist=therapist,
            email=email,
            message=message,
            token_hash=hash_token(token),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        return invitation, token

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.used_at:
            return self.State.USED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        if not self.therapist.is_approved:
            return self.State.WITHDRAWN
        return self.State.OPEN


class CareLinkQuerySet(models.QuerySet["CareLink"]):
    def active(self) -> Self:
        return self.filter(ended_at__isnull=True)

    def ended_by_therapist(self, therapist: TherapistProfile) -> Self:
        """Links this therapist ended (only these can they restore)."""
        return self.filter(therapist=therapist, ended_by=CareLink.EndedBy.THERAPIST)

    def undoable(self) -> Self:
        """Ended by the therapist within ``UNDO_DAYS``, and the pair not linked again since: the
        therapist may still restore these (the roster offers "Undo"), and the client may make
        the ending final."""
        cutoff = timezone.now() - timedelta(days=UNDO_DAYS)
        linked_again = CareLink.objects.active().filter(
            therapist=OuterRef("therapist"), client=OuterRef("client")
        )
        return self.filter(ended_by=CareLink.EndedBy.THERAPIST, ended_at__gt=cutoff).exclude(
            Exists(linked_again)
        )

    def for_therapist(self, therapist: TherapistProfile) -> Self:
        return self.active().filter(therapist=therapist)

    def for_client(self, user: "User") -> Self:
        return self.active().filter(client=user)

    def shareable_by(self, user: "User") -> Self:
        """The client's links a reflection may be shared on: active, with a therapist who is
        still approved (an account whose approval was withdrawn receives nothing new)."""
        return self.for_client(user).filter(therapist__status=TherapistProfile.Status.APPROVED)


class CareLink(models.Model):
    """A client's consent to be followed by one therapist. Either side may end it.

    Ending marks the link ended; nothing is deleted, so a therapist who ended it by mistake may
    restore it within ``UNDO_DAYS``, with its assignments and shares. A link the client ended
    is theirs to keep ended: the therapist cannot restore it.
    """

    class EndedBy(models.TextChoices):
        THERAPIST = "therapist", "The therapist"
        CLIENT = "client", "The client"

    therapist = models.ForeignKey(TherapistProfile, on_delete=models.CASCADE, related_name="links")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_links"
    )
    client_alias = models.CharField(
        max_length=60, help_text="The name the therapist sees: a first name or an alias."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Blank while active, and on links ended before this was recorded (never restorable).
    ended_by = models.CharField(max_length=10, choices=EndedBy.choices, blank=True)

    objects = CareLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "client"],
                condition=Q(ended_at__isnull=True),
                name="one_active_link_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=False) | Q(ended_by=""),
                name="active_link_has_no_ender",
                violation_error_message="An active link cannot have been ended.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_alias} with {self.therapist}"

    @property
    def undo_until(self) -> datetime | None:
        """Until when the therapist may still restore this link, if they ended it."""
        if self.ended_at and self.ended_by == self.EndedBy.THERAPIST:
            return self.ended_at + timedelta(days=UNDO_DAYS)
        return None


class ClientGroupQuerySet(models.QuerySet["ClientGroup"]):
    def for_therapist(self, therapist: TherapistProfile) -> Self:
        return self.filter(therapist=therapist)


class ClientGroup(models.Model):
    """A therapist's named group of their linked clients (a partner group, say), to assign a
    module to everyone at once and follow the group's progress in one table.

    Clients never see the group, its name or who else is in it: each gets an assignment of
    their own. Members are links; a member's link must be the group's therapist's, which the
    database cannot check across tables: ``actions.save_group`` is the one way members are
    set, and it checks.
    """

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="client_groups"
    )
    name = models.CharField(max_length=80)
    members = models.ManyToManyField(CareLink, through="GroupMembership", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "therapist",
                name="group_name_once_per_therapist",
                violation_error_message="You already have a group with this name.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="group_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(ClientGroup, on_delete=models.CASCADE, related_name="memberships")
    # An ended link stays a member, so undoing the ending brings the client back to the group.
    link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "link"], name="member_once_per_group"),
        ]

    def __str__(self) -> str:
        return f"Link {self.link_id} in group {self.group_id}"


class Assignment(models.Model):
    """A module or a single lesson a therapist suggests, with an optional note and due date."""

    link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="assignments")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.PROTECT)
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.PROTECT)
    note = models.TextField(blank=True, max_length=2000)
    due_date = models.DateField(null=True, blank=True)
    # Given to a whole group at once (each member their own); kept if the group is deleted.
    group = models.ForeignKey(
        ClientGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(module__isnull=False) & Q(lesson__isnull=True))
                | (Q(module__isnull=True) & Q(lesson__isnull=False)),
                name="assignment_is_a_module_or_a_lesson",
                violation_error_message="Choose a module or a single lesson: one of the two.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} for {self.link.client_alias}"

    @property
    def target(self) -> Module | Lesson | None:
        """What was assigned: the database allows exactly one of the two."""
        return self.module or self.lesson


class ShareQuerySet(models.QuerySet["Share"]):
    def visible_to_therapist(self, therapist: TherapistProfile) -> Self:
        """The only way a therapist's view reaches shared reflections: those shared on the
        therapist's active links (``CareLink.objects.for_therapist``)."""
        return self.filter(link__in=CareLink.objects.for_therapist(therapist))


class Share(models.Model):
    """One reflection, shared with one linked therapist. Deleting the row revokes access."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="shares")
    link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="shares")
    shared_at = models.DateTimeField(auto_now_add=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "link"], name="share_once_per_link"),
        ]

    def __str__(self) -> str:
        return f"Reflection {self.reflection_id} shared on link {self.link_id}"


class AccessLog(models.Model):
    """Every look a therapist takes at a client's data. Never holds reflection text."""

    class What(models.TextChoices):
        CLIENT_PAGE = "client_page", "Viewed your progress page"
        REFLECTION = "reflection", "Read a reflection you shared"
        ROSTER = "roster", "Saw your progress in their list of clients"
        GROUP = "group", "Saw your progress in a group overview"
        LINK_ENDED = (
            "link_ended",
            (
                f"Ended the link with you. They see nothing of yours now; for {UNDO_DAYS} days "
                "they can undo this"
            ),
        )
        LINK_RESTORED = (
            "link_restored",
            (
                "Undid ending the link: they see your progress, assignments and what you shared "
                "with them again"
            ),
        )

    therapist = models.ForeignKey(
        TherapistProfile, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    therapist_name = models.CharField(max_length=120)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="access_log"
    )
    what = models.CharField(max_length=20, choices=What.choices)
    prompt_text = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self) -> str:
        return f"{self.therapist_name}: {self.get_what_display()}"
