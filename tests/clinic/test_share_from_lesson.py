"""Sharing an answer from the lesson it belongs to; each shared answer says with whom and
since when, with Unshare; the journal says truthfully who can read what."""

import re

import pytest
from django.urls import reverse

from prodep.clinic.actions import end_link
from prodep.clinic.models import CareLink, Share
from tests.factories import answer, make_user, sign_in
from tests.lessons.test_reading import LESSON_QUERIES

LESSON = reverse("lessons:lesson", args=["first", "lesson-1"])
BACK = f"{LESSON}#reflection-p1"


def share(client, reflection, links=(), back=BACK):
    return client.post(
        reverse("clinic:share", args=[reflection.pk]),
        {"links": [str(item.pk) for item in links], "next": back},
    )


def test_a_reader_with_a_therapist_is_offered_sharing_beside_a_saved_answer(
    client, client_a, care_link, reflection_a
):
    client.force_login(client_a)
    html = client.get(LESSON).content.decode()
    name = care_link.therapist.display_name
    assert f"Share with {name}</button>" in html
    assert f'<input type="hidden" name="next" value="{BACK}">' in html
    assert "Only you can read this." in html
    # Not for a prompt the reader has not answered yet.
    assert "Share with" not in client.get(LESSON.replace("lesson-1", "lesson-2")).content.decode()


def test_a_reader_without_a_therapist_is_offered_no_sharing(client, course):
    reader = make_user()
    answer(reader, "p1", "Mine alone.")
    client.force_login(reader)
    html = client.get(LESSON).content.decode()
    assert "Share with" not in html and "clinic:share" not in html and "/share/" not in html


def test_sharing_from_the_lesson_returns_to_the_answer_labelled(
    client, client_a, care_link, reflection_a
):
    sign_in(client, client_a)
    response = share(client, reflection_a, [care_link])
    assert response.status_code == 302 and response.url == BACK
    shared = Share.objects.get(reflection=reflection_a, link=care_link)
    html = client.get(LESSON).content.decode()
    name = care_link.therapist.display_name
    when = shared.shared_at
    assert f"Shared with {name} on {when.day} {when:%b %Y}, {when:%H:%M} UTC" in html
    assert f'Unshare<span class="visually-hidden"> with {name}</span>' in html
    assert "You and the therapists named below can read this." in html

    response = share(client, reflection_a, [])  # what Unshare sends
    assert response.url == BACK
    assert not Share.objects.exists()


def test_sharing_never_sends_the_reader_off_the_site(client, client_a, care_link, reflection_a):
    sign_in(client, client_a)
    response = share(client, reflection_a, [care_link], back="https://evil.example/phish")
    assert response.url == f"{reverse('journal:index')}#answer-{reflection_a.pk}"


def test_sharing_asks_for_the_password_and_says_why(client, client_a, care_link, reflection_a):
    client.force_login(client_a)  # signed in, but not just now
    response = share(client, reflection_a, [care_link])
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response.url
    html = client.get(response.url).content.decode()
    assert "<h1>Confirm it is you</h1>" in html
    assert "You are about to change who can read one of your answers." in html
    assert "If someone picks up this device while you are signed in" in html
    assert "Please reauthenticate" not in html
    assert not Share.objects.exists()


@pytest.mark.parametrize(
    "next_url, purpose",
    [
        ("/settings/data/export/", "You are about to download everything of yours."),
        ("/settings/delete/", "You are about to delete your account."),
        ("/accounts/sessions/", "You are about to see where you are signed in"),
        ("/nowhere/", "This step needs you to confirm it is you."),
        ("", "This step needs you to confirm it is you."),
    ],
)
def test_the_password_page_names_what_it_protects(client, client_a, next_url, purpose):
    client.force_login(client_a)
    html = client.get(reverse("account_reauthenticate"), {"next": next_url}).content.decode()
    assert purpose in html


def test_the_journal_labels_shared_answers_and_says_who_can_read_them(
    client, client_a, care_link, reflection_a
):
    client.force_login(client_a)
    other = answer(client_a, "p2", "Not shared.")
    html = client.get(reverse("journal:index")).content.decode()
    assert "Only you can read them, unless you share one with your therapist." in html
    Share.objects.create(reflection=reflection_a, link=care_link)
    html = client.get(reverse("journal:index")).content.decode()
    assert "Only you can read these." not in html
    assert "Only you can read them, except the 1 you shared" in html
    name = care_link.therapist.display_name
    entries = dict(re.findall(r'id="answer-(\d+)">(.*?)</article>', html, re.S))
    assert f"Shared with {name} on" in entries[str(reflection_a.pk)]
    assert f"Share with {name}</button>" in entries[str(other.pk)]


def test_a_journal_without_therapists_says_only_you(client, course):
    reader = make_user()
    answer(reader, "p1", "Mine.")
    client.force_login(reader)
    html = client.get(reverse("journal:index")).content.decode()
    assert "Only you can read them.</p>" in html


def test_an_ended_link_no_longer_counts_as_shared(client, client_a, care_link, reflection_a):
    Share.objects.create(reflection=reflection_a, link=care_link)
    end_link(care_link, by=CareLink.EndedBy.CLIENT)
    client.force_login(client_a)
    html = client.get(LESSON).content.decode()
    assert "Shared with" not in html and "Only you can read this." in html


def test_the_lesson_page_of_a_reader_with_a_therapist_costs_one_query_more(
    client, client_a, care_link, reflection_a, django_assert_max_num_queries
):
    Share.objects.create(reflection=reflection_a, link=care_link)
    client.force_login(client_a)
    client.get(LESSON)
    with django_assert_max_num_queries(LESSON_QUERIES + 1):  # what is shared on those links
        assert client.get(LESSON).status_code == 200


def test_the_password_page_names_a_change_to_two_factor_sign_in(client, client_a):
    client.force_login(client_a)
    next_url = reverse("mfa_activate_totp")
    html = client.get(reverse("account_reauthenticate"), {"next": next_url}).content.decode()
    assert "You are about to change how you sign in with a second step." in html
