"""What therapists and their clients do: applications, invitations, links, assignments, groups
and sharing. Each rule in one place; the views call these, and so do the tests."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Module
from prodep import mail
from prodep.journal.models import Reflection
from prodep.urlkit import absolute_url

from .access import log_access
from .models import (
    UNDO_DAYS,
    AccessLog,
    Assignment,
    CareLink,
    ClientGroup,
    GroupMembership,
    Invitation,
    Share,
    TherapistProfile,
    hash_token,
)
from .reads import assignment_statuses, group_links

if TYPE_CHECKING:
    from prodep.accounts.models import User


class ClinicError(ValueError):
    """A request that cannot be carried out; the message is safe to show."""


# Therapist accounts ---------------------------------------------------------------------------


def decide_application(profile: TherapistProfile, approve: bool) -> None:
    profile.status = (
        TherapistProfile.Status.APPROVED if approve else TherapistProfile.Status.REJECTED
    )
    profile.decided_at = timezone.now()
    profile.save(update_fields=["status", "decided_at"])


# Invitations ------------------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return absolute_url(reverse("clinic:invitation", args=[token]))


def create_invitation(
    therapist: TherapistProfile, email: str = "", message: str = ""
) -> tuple[Invitation, str]:
    """Issue a link; email it if an address was given. Returns (invitation, url).

    The link is issued even when the mail server is down: ``invitation.emailed`` then says
    False, and the therapist can copy the link or invite again.
    """
    invitation, token = Invitation.issue(therapist, email=email, message=message)
    url = invitation_url(token)
    invitation.emailed = False
    if email:
        name = therapist.display_name if therapist.name_in_invitations else ""
        body = render_to_string("clinic/email/invitation.txt", {"name": name, "url": url})
        # Neutral subject; no lesson or reflection content, and not the personal message,
        # which the invitee reads only after opening the link.
        invitation.emailed = mail.send("An invitation for you", body, email, what="invitation")
    return invitation, url


def accept_invitation(user: User, token: str, alias: str) -> CareLink:
    """Link the signed-in client to the inviting therapist; the invitation is then used up."""
    alias = alias.strip()
    if not alias:
        raise ClinicError("Please choose the name your therapist will see.")
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("therapist")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None or invitation.state != Invitation.State.OPEN:
            raise ClinicError("This invitation can no longer be used.")
        if invitation.therapist.user_id == user.id:
            raise ClinicError("You cannot accept your own invitation.")
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        link = CareLink.objects.for_client(user).filter(therapist=invitation.therapist).first()
        if link:
            link.client_alias = alias
            link.save(update_fields=["client_alias"])
            return link
        try:
            with transaction.atomic():
                return CareLink.objects.create(
                    therapist=invitation.therapist, client=user, client_alias=alias
                )
        except IntegrityError:  # pragma: no cover - race: the same link made in another tab
            return CareLink.objects.for_client(user).get(therapist=invitation.therapist)


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.state == Invitation.State.OPEN:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def end_link(link: CareLink, by: str) -> bool:
    """Ends access at once (every therapist lookup goes through active links only); nothing is
    deleted. A therapist's ending is written in the client's access log and can be undone for
    ``UNDO_DAYS``. Returns False if the link had already ended."""
    with transaction.atomic():
        ended = CareLink.objects.filter(pk=link.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=by
        )
        if ended and by == CareLink.EndedBy.THERAPIST:
            log_access(link.therapist, link.client_id, AccessLog.What.LINK_ENDED)
    return bool(ended)


def restore_link(link: CareLink) -> None:
    """Undo a therapist's ending of a link, with its assignments and shares, within the window.

    Refused when the client has linked with the same therapist again since (a link can be active
    once per pair), when the window has passed, or when the client ended it.
    """
    if link.undo_until is None or link.undo_until <= timezone.now():
        raise ClinicError(
            f"It is more than {UNDO_DAYS} days since this link ended, so it cannot be undone. "
            f"{link.client_alias} can link with you again through a new invitation."
        )
    try:
        with transaction.atomic():
            restored = CareLink.objects.filter(
                pk=link.pk, ended_by=CareLink.EndedBy.THERAPIST, ended_at=link.ended_at
            ).update(ended_at=None, ended_by="")
            if restored:
                log_access(link.therapist, link.client_id, AccessLog.What.LINK_RESTORED)
    except IntegrityError:
        raise ClinicError(
            f"{link.client_alias} is linked with you again already, through a new invitation."
        ) from None
    if not restored:
        raise ClinicError("This link has changed since the page was loaded. Nothing changed.")


def keep_ended(link: CareLink) -> None:
    """The client's answer to a therapist ending the link: keep it ended, with no undo."""
    CareLink.objects.filter(pk=link.pk, ended_by=CareLink.EndedBy.THERAPIST).update(
        ended_by=CareLink.EndedBy.CLIENT
    )


def notify_therapist(care_link: CareLink, event: str) -> None:
    """Optional update email (off unless the therapist turned it on; never to an account whose
    approval was withdrawn).

    The subject is neutral and the body carries only the client's chosen name and what kind of
    thing happened: never lesson titles or reflection text.
    """
    therapist = care_link.therapist
    if not (therapist.email_updates and therapist.is_approved):
        return
    body = render_to_string(
        "clinic/email/update.txt",
        {
            "alias": care_link.client_alias,
            "event": event,
            "url": absolute_url(reverse("clinic:client", args=[care_link.pk])),
        },
    )
    # Best effort: the client's action is done whether or not this email can be sent.
    mail.send("Activity update", body, therapist.user.email, what="therapist update")


def notify_assignment_completed(user: User, lesson: Lesson) -> None:
    """Tell opted-in therapists when this completion finishes something they assigned."""
    assignments = list(
        Assignment.objects.filter(link__in=CareLink.objects.for_client(user))
        .filter(Q(lesson=lesson) | Q(module_id=lesson.module_id))
        .select_related("link__therapist__user", "module", "lesson")
        .defer(*Lesson.body_fields("lesson__"))
    )
    for status in assignment_statuses(assignments):
        if status.complete:
            notify_therapist(status.assignment.link, "finished an assignment")


# Assignments ----------------------------------------------------------------------------------


def save_assignment(
    link: CareLink,
    target: Module | Lesson,
    note: str,
    due: date | None,
    assignment: Assignment | None = None,
) -> Assignment:
    assignment = assignment or Assignment(link=link)
    assignment.module = target if isinstance(target, Module) else None
    assignment.lesson = target if isinstance(target, Lesson) else None
    assignment.note = note
    assignment.due_date = due
    assignment.save()
    return assignment


# Groups ---------------------------------------------------------------------------------------


def save_group(
    therapist: TherapistProfile, name: str, links: list[CareLink], group: ClientGroup | None = None
) -> ClientGroup:
    """Create or change a group: its name and its active members.

    Every member must be an active link of this therapist (the form offers nothing else; this
    refuses a crafted request too). A member whose link has ended stays in the group, so undoing
    the ending brings them back.
    """
    own = set(CareLink.objects.for_therapist(therapist).values_list("id", flat=True))
    chosen = {link.id for link in links}
    if not chosen <= own:
        raise ClinicError("Choose among your own clients only.")
    try:
        with transaction.atomic():
            group = group or ClientGroup(therapist=therapist)
            group.name = name
            group.save()
            group.memberships.filter(link_id__in=own - chosen).delete()
            GroupMembership.objects.bulk_create(
                [GroupMembership(group=group, link_id=i) for i in chosen], ignore_conflicts=True
            )
    except IntegrityError:
        raise ClinicError(f"You already have a group called “{name}”.") from None
    return group


def assign_to_group(
    group: ClientGroup, target: Module | Lesson, note: str, due: date | None
) -> list[Assignment]:
    """One assignment for each active member, each their own: same target, note and due date."""
    module = target if isinstance(target, Module) else None
    lesson = target if isinstance(target, Lesson) else None
    assignments = [
        Assignment(
            link=link,
            group=group,
            module=module,
            lesson=lesson,
            note=note,
            due_date=due,
        )
        for link in group_links(group)
    ]
    return Assignment.objects.bulk_create(assignments)


# Sharing ----------------------------------------------------------------------------------------


def set_shares(user: User, reflection: Reflection, link_ids: set[int]) -> None:
    """Share one reflection with exactly these of the user's active links; unshare the rest."""
    if reflection.user_id != user.id:
        raise ClinicError("That reflection is not yours.")
    allowed = set(CareLink.objects.shareable_by(user).values_list("id", flat=True))
    unknown = link_ids - allowed
    if unknown:
        raise ClinicError("You can only share with a therapist you are linked to.")
    with transaction.atomic():
        Share.objects.filter(reflection=reflection).exclude(link_id__in=link_ids).delete()
        existing = set(
            Share.objects.filter(reflection=reflection).values_list("link_id", flat=True)
        )
        added = link_ids - existing
        Share.objects.bulk_create(
            [Share(reflection=reflection, link_id=i) for i in added], ignore_conflicts=True
        )
    for care_link in CareLink.objects.filter(id__in=added).select_related("therapist__user"):
        notify_therapist(care_link, "shared a reflection with you")
