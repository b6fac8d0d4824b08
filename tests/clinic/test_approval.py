"""Issue 16.6: a therapist whose approval was withdrawn can no longer gain a client through an
old invitation, nor receive a newly shared reflection. Attacker's side, over HTTP."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Progress
from prodep.clinic import actions
from prodep.clinic.models import Assignment, CareLink, Invitation, Share, TherapistProfile
from tests.factories import sign_in


def withdraw(profile: TherapistProfile) -> None:
    actions.decide_application(profile, approve=False)


def test_an_invitation_from_a_therapist_no_longer_approved_cannot_be_accepted(
    client, therapist, client_a
):
    _, token = Invitation.issue(therapist)
    withdraw(therapist)
    sign_in(client, client_a)
    url = reverse("clinic:invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 410
    assert "can no longer be accepted" in page.content.decode()
    assert client.post(url, {"alias": "Sam"}).status_code == 410
    assert not CareLink.objects.exists()
    with pytest.raises(actions.ClinicError):
        actions.accept_invitation(client_a, token, "Sam")
    assert not CareLink.objects.exists()


def test_a_therapist_no_longer_approved_receives_no_new_share(
    client, therapist, client_a, care_link, reflection_a
):
    withdraw(therapist)
    sign_in(client, client_a)
    journal = client.get(reverse("journal:index")).content.decode()
    assert therapist.display_name not in journal  # not offered as someone to share with
    response = client.post(
        reverse("clinic:share", args=[reflection_a.pk]), {"links": [str(care_link.pk)]}
    )
    assert response.status_code == 302
    assert not Share.objects.exists()
    care = client.get(reverse("clinic:care")).content.decode()
    assert therapist.display_name in care  # the client can still see and end the link


def test_an_approved_therapists_invitation_still_works(client, therapist, client_a):
    _, token = Invitation.issue(therapist)
    sign_in(client, client_a)
    response = client.post(reverse("clinic:invitation", args=[token]), {"alias": "Sam"})
    assert response.status_code == 302
    assert CareLink.objects.get().therapist == therapist


def test_a_therapist_no_longer_approved_gets_no_update_email(
    therapist, client_a, care_link, mailoutbox
):
    therapist.email_updates = True
    therapist.save()
    lesson = Lesson.objects.get(slug="lesson-1")
    Assignment.objects.create(link=care_link, lesson=lesson)
    now = timezone.now()
    Progress.objects.create(
        user=client_a, lesson=lesson, started_at=now, last_opened_at=now, completed_at=now
    )
    actions.notify_assignment_completed(client_a, lesson)
    assert len(mailoutbox) == 1  # while approved
    withdraw(therapist)
    actions.notify_assignment_completed(client_a, lesson)
    assert len(mailoutbox) == 1
