"""Issue 14.1: nothing irreversible by accident. Every destructive therapist action asks first,
saying what will happen; ending a link can be undone by the therapist for 7 days, with its
assignments and shares, and the client is told both ways."""

from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Module
from prodep.clinic import actions
from prodep.clinic.models import AccessLog, Assignment, CareLink, Invitation, Share
from tests.factories import make_therapist, sign_in

SECRET = "A private thought about lesson one"


def end(client, care_link):
    return client.post(reverse("clinic:therapist_end", args=[care_link.pk]))


def test_ending_a_link_asks_first_and_says_what_will_happen(client, therapist, care_link):
    sign_in(client, therapist.user)
    client_page = client.get(reverse("clinic:client", args=[care_link.pk])).content.decode()
    end_url = reverse("clinic:therapist_end", args=[care_link.pk])
    assert f'href="{end_url}"' in client_page and "<form" not in client_page.split(end_url)[0][-80:]
    page = client.get(end_url)
    html = unescape(page.content.decode())
    assert page.status_code == 200 and "End the link with Sam?" in html
    assert "You will no longer see Sam's progress" in html
    assert "for 7 days you can undo this" in html
    assert '<form method="post">' in html and "<script" not in html.split("<main")[1]
    care_link.refresh_from_db()
    assert care_link.ended_at is None  # looking at the question changes nothing
    response = end(client, care_link)
    assert response.status_code == 302 and response.url == reverse("clinic:roster")
    care_link.refresh_from_db()
    assert care_link.ended_at and care_link.ended_by == CareLink.EndedBy.THERAPIST


# Words no page holds by chance (a CSRF token could hold "Hi").
NOTE = "Read this before our next session"


def test_undo_brings_back_the_link_with_its_assignments_and_shares(
    client, therapist, client_a, care_link, reflection_a
):
    Share.objects.create(reflection=reflection_a, link=care_link)
    Assignment.objects.create(link=care_link, module=Module.objects.get(slug="first"), note=NOTE)
    sign_in(client, therapist.user)
    end(client, care_link)
    assert CareLink.objects.filter(pk=care_link.pk).exists()  # marked ended, not deleted
    page = reverse("clinic:client", args=[care_link.pk])
    assert client.get(page).status_code == 404
    reader = Client()
    sign_in(reader, client_a)
    assert NOTE not in reader.get(reverse("dashboard")).content.decode()
    care = reader.get(reverse("clinic:care")).content.decode()
    assert f"{therapist.display_name} ended the link" in care

    roster = client.get(reverse("clinic:roster")).content.decode()
    assert "Recently ended" in roster and "Sam: ended" in roster
    restore = reverse("clinic:restore", args=[care_link.pk])
    assert f'action="{restore}"' in roster
    response = client.post(restore)
    assert response.status_code == 302 and response.url == page
    html = client.get(page).content.decode()
    assert SECRET in html and "A module" in html  # the share and the assignment are back
    assert NOTE in reader.get(reverse("dashboard")).content.decode()

    log = reader.get(reverse("clinic:access_log")).content.decode()
    assert "Ended the link with you" in log and "Undid ending the link" in log
    assert list(AccessLog.objects.order_by("at").values_list("what", flat=True))[:2] == [
        "link_ended",
        "link_restored",
    ]


def test_after_seven_days_there_is_no_undo(client, therapist, care_link):
    sign_in(client, therapist.user)
    end(client, care_link)
    later = timezone.now() + timezone.timedelta(days=7, minutes=1)
    with time_machine.travel(later):
        sign_in(client, therapist.user)
        assert "Recently ended" not in client.get(reverse("clinic:roster")).content.decode()
        response = client.post(reverse("clinic:restore", args=[care_link.pk]), follow=True)
        assert "more than 7 days since this link ended" in response.content.decode()
    care_link.refresh_from_db()
    assert care_link.ended_at is not None


def test_a_link_the_client_ended_is_not_the_therapists_to_restore(
    client, therapist, client_a, care_link
):
    actions.end_link(care_link, by=CareLink.EndedBy.CLIENT)
    sign_in(client, therapist.user)
    assert "Recently ended" not in client.get(reverse("clinic:roster")).content.decode()
    assert client.post(reverse("clinic:restore", args=[care_link.pk])).status_code == 404
    care_link.refresh_from_db()
    assert care_link.ended_at is not None


def test_the_client_can_keep_it_ended_and_then_there_is_no_undo(
    client, therapist, client_a, care_link
):
    actions.end_link(care_link, by=CareLink.EndedBy.THERAPIST)
    reader = Client()
    sign_in(reader, client_a)
    reader.post(reverse("clinic:keep_ended", args=[care_link.pk]))
    sign_in(client, therapist.user)
    assert client.post(reverse("clinic:restore", args=[care_link.pk])).status_code == 404
    care_link.refresh_from_db()
    assert care_link.ended_by == CareLink.EndedBy.CLIENT


def test_undo_after_the_client_linked_again_says_so_in_plain_words(
    client, therapist, client_a, care_link
):
    actions.end_link(care_link, by=CareLink.EndedBy.THERAPIST)
    _, token = Invitation.issue(therapist)
    actions.accept_invitation(client_a, token, "Sam again")
    sign_in(client, therapist.user)
    response = client.post(reverse("clinic:restore", args=[care_link.pk]), follow=True)
    html = response.content.decode()
    assert "Sam is linked with you again already" in html
    assert "constraint" not in html.lower() and "IntegrityError" not in html
    assert CareLink.objects.active().filter(therapist=therapist, client=client_a).count() == 1


def test_removing_an_assignment_asks_first(client, therapist, care_link):
    assignment = Assignment.objects.create(link=care_link, module=Module.objects.get(slug="first"))
    sign_in(client, therapist.user)
    url = reverse("clinic:assignment_delete", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert "Remove “A module” from Sam's assignments?" in unescape(html)
    assert "What Sam has read stays read." in html
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(url).url == reverse("clinic:client", args=[care_link.pk])
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_withdrawing_an_invitation_asks_first(client, therapist):
    invitation, _ = Invitation.issue(therapist)
    sign_in(client, therapist.user)
    url = reverse("clinic:revoke", args=[invitation.pk])
    assert f'href="{url}"' in client.get(reverse("clinic:invitations")).content.decode()
    html = client.get(url).content.decode()
    assert "Withdraw the invitation of" in html and "stops working at once" in html
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_the_client_reads_what_ending_means_before_the_password_is_asked(
    client, therapist, client_a, care_link
):
    client.force_login(client_a)  # signed in, not recently by password
    url = reverse("clinic:client_end", args=[care_link.pk])
    html = client.get(url).content.decode()
    assert f"End the link with {therapist.display_name}?" in html
    response = client.post(url)
    assert response.url.startswith(reverse("account_reauthenticate"))
    care_link.refresh_from_db()
    assert care_link.ended_at is None


def test_another_therapists_links_are_404_on_every_link_address(client, care_link):
    intruder = make_therapist("intruder@example.com")
    sign_in(client, intruder.user)
    actions.end_link(care_link, by=CareLink.EndedBy.THERAPIST)
    for name in ("client", "therapist_end", "restore", "assign"):
        url = reverse(f"clinic:{name}", args=[care_link.pk])
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url).status_code == 404, name
    care_link.refresh_from_db()
    assert care_link.ended_at is not None


def test_undoing_from_a_page_loaded_before_the_link_changed_changes_nothing(therapist, care_link):
    actions.end_link(care_link, by=CareLink.EndedBy.THERAPIST)
    stale = CareLink.objects.get(pk=care_link.pk)
    actions.restore_link(CareLink.objects.get(pk=care_link.pk))
    actions.end_link(CareLink.objects.get(pk=care_link.pk), by=CareLink.EndedBy.THERAPIST)
    with pytest.raises(actions.ClinicError, match="changed since the page was loaded"):
        actions.restore_link(stale)
    assert CareLink.objects.get(pk=care_link.pk).ended_at is not None


def test_a_link_the_client_ended_cannot_be_undone_by_the_therapist(therapist, care_link):
    actions.end_link(care_link, by=CareLink.EndedBy.CLIENT)
    ended = CareLink.objects.get(pk=care_link.pk)
    assert ended.undo_until is None
    with pytest.raises(actions.ClinicError, match="cannot be undone"):
        actions.restore_link(ended)
    assert CareLink.objects.get(pk=care_link.pk).ended_at is not None
