"""Issues 14.6 and 16.10: every look is recorded, and the client reads them per visit.

Every raw row is kept (the download has them all); the page groups a therapist's looks close
together into one visit; the way back to the client page after the therapist's own save is not
a new look; and the roster, which shows progress too, is logged per client it shows.
"""

import json
import zipfile
from html import unescape
from io import BytesIO

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Module
from prodep.accounts.services import export_user_data
from prodep.clinic.models import AccessLog, Share
from tests.factories import answer, link, make_user, sign_in


def client_log(client_a) -> str:
    reader = Client()
    sign_in(reader, client_a)
    return unescape(reader.get(reverse("clinic:access_log")).content.decode())


def test_five_reloads_read_as_one_visit_and_every_row_is_kept(
    client, therapist, client_a, care_link
):
    page = reverse("clinic:client", args=[care_link.pk])
    start = timezone.now().replace(hour=14, minute=2, second=0)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, therapist.user)
        for _ in range(5):
            client.get(page)
            clock.shift(12)
    assert AccessLog.objects.filter(what="client_page").count() == 5
    html = client_log(client_a)
    assert "Viewed your progress page · 5 times between 14:02 and 14:02 UTC" in html
    assert html.count("Viewed your progress page") == 1
    exported = json.loads(zipfile.ZipFile(BytesIO(export_user_data(client_a))).read("my-data.json"))
    assert sum(e["what"] == "Viewed your progress page" for e in exported["access_log"]) == 5


def test_looks_half_an_hour_apart_are_two_visits(client, therapist, client_a, care_link):
    page = reverse("clinic:client", args=[care_link.pk])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, therapist.user)
        client.get(page)
        clock.shift(31 * 60)
        sign_in(client, therapist.user)  # the idle timeout ended the first session
        client.get(page)
    assert client_log(client_a).count("Viewed your progress page") == 2


def test_the_way_back_after_the_therapists_own_save_is_not_a_new_look(
    client, therapist, client_a, care_link, reflection_a
):
    sign_in(client, therapist.user)
    page = reverse("clinic:client", args=[care_link.pk])
    client.get(page)
    module = Module.objects.get(slug="first")
    saved = client.post(reverse("clinic:assign", args=[care_link.pk]), {"module": module.pk})
    assert saved.url == page
    client.get(page)  # the redirect
    assert AccessLog.objects.filter(what="client_page").count() == 1
    # A reflection shared meanwhile is new to the therapist: that one is a look.
    Share.objects.create(reflection=reflection_a, link=care_link)
    assignment = care_link.assignments.get()
    client.post(reverse("clinic:assignment_delete", args=[assignment.pk]))
    client.get(page)
    assert AccessLog.objects.filter(what="client_page").count() == 1
    assert AccessLog.objects.filter(what="reflection").count() == 1
    client.get(page)  # an ordinary visit again: the note was used once
    assert AccessLog.objects.filter(what="client_page").count() == 2


def test_the_note_is_for_that_clients_page_only(client, therapist, client_a, care_link):
    other = link(therapist, make_user(), "Alex")
    sign_in(client, therapist.user)
    client.get(reverse("clinic:client", args=[care_link.pk]))
    module = Module.objects.get(slug="first")
    client.post(reverse("clinic:assign", args=[care_link.pk]), {"module": module.pk})
    client.get(reverse("clinic:client", args=[other.pk]))
    assert AccessLog.objects.filter(what="client_page", client=other.client).count() == 1


def test_each_roster_visit_is_logged_for_every_client_it_shows(
    client, therapist, client_a, care_link
):
    alex = make_user()
    link(therapist, alex, "Alex")
    sign_in(client, therapist.user)
    client.get(reverse("clinic:roster"))
    client.get(reverse("clinic:roster"), {"q": "sam"})  # Alex not shown this time
    assert AccessLog.objects.filter(what="roster", client=client_a).count() == 2
    assert AccessLog.objects.filter(what="roster", client=alex).count() == 1
    html = client_log(client_a)
    assert "Saw your progress in their list of clients · 2 times between" in html
    assert therapist.display_name in html


def test_nothing_of_a_reflection_reaches_the_log(client, therapist, client_a, care_link):
    reflection = answer(client_a, "p2", "Words only I should read")
    Share.objects.create(reflection=reflection, link=care_link)
    sign_in(client, therapist.user)
    client.get(reverse("clinic:client", args=[care_link.pk]))
    html = client_log(client_a)
    assert "Read a reflection you shared" in html
    assert "Words only I should read" not in html
