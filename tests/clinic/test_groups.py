"""Issue 14.9: groups. A therapist groups linked clients, assigns a module to the group at once
(each client their own assignment, seeing only their own) and follows the group in one table."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Module, Progress
from prodep.clinic import actions
from prodep.clinic.models import AccessLog, Assignment, CareLink, ClientGroup, GroupMembership
from tests.factories import link, make_therapist, make_user, sign_in

GROUP_URLS = ("group", "group_edit", "group_assign", "group_delete")


@pytest.fixture
def two_clients(therapist, client_a, care_link):
    alex = make_user("alex@example.com")
    return care_link, link(therapist, alex, "Alex")


def test_a_group_gets_a_module_each_client_their_own(client, therapist, two_clients):
    sam, alex = two_clients
    sign_in(client, therapist.user)
    response = client.post(
        reverse("clinic:group_new"), {"name": "Tuesday group", "members": [sam.pk, alex.pk]}
    )
    group = ClientGroup.objects.get()
    assert response.url == reverse("clinic:group", args=[group.pk])
    assert group.therapist == therapist and set(group.members.all()) == {sam, alex}

    module = Module.objects.get(slug="first")
    page = client.get(reverse("clinic:group_assign", args=[group.pk])).content.decode()
    assert "Assign to 2 clients" in page and "<optgroup" in page
    response = client.post(
        reverse("clinic:group_assign", args=[group.pk]),
        {"module": module.pk, "note": "Before Tuesday", "due_date": "2030-01-07"},
    )
    assert response.status_code == 302
    made = Assignment.objects.order_by("link__client_alias")
    assert [(a.link, a.module, a.note, str(a.due_date), a.group) for a in made] == [
        (alex, module, "Before Tuesday", "2030-01-07", group),
        (sam, module, "Before Tuesday", "2030-01-07", group),
    ]

    for care, other in ((sam, "Alex"), (alex, "Sam")):
        reader = Client()
        sign_in(reader, care.client)
        home = reader.get(reverse("dashboard")).content.decode()
        assert "Before Tuesday" in home and home.count("Before Tuesday") == 1
        assert "Tuesday group" not in home and other not in home


def test_the_group_table_shows_each_members_progress(client, therapist, two_clients):
    sam, alex = two_clients
    group = actions.save_group(therapist, "Tuesday group", [sam, alex])
    actions.assign_to_group(group, Module.objects.get(slug="first"), "", None)
    lesson = Lesson.objects.get(slug="lesson-1")
    Progress.objects.create(
        user=sam.client, lesson=lesson, started_at=lesson.updated_at,
        last_opened_at=lesson.updated_at, completed_at=lesson.updated_at,
    )  # fmt: skip
    sign_in(client, therapist.user)
    html = unescape(client.get(reverse("clinic:group", args=[group.pk])).content.decode())
    header = re.search(r"<thead.*?</thead>", html, re.S).group(0)
    assert re.findall(r'<th scope="col">([^<]+)<', header) == ["Client", "A module"]
    rows = re.findall(r'<tr>\s*<th scope="row".*?</tr>', html, re.S)
    assert "Alex" in rows[0] and "0 of 3 read" in rows[0]
    assert "Sam" in rows[1] and "1 of 3 read" in rows[1]
    logged = AccessLog.objects.filter(what="group").values_list("client_id", flat=True)
    assert sorted(logged) == sorted([sam.client_id, alex.client_id])


@pytest.mark.parametrize("members", [1, 20])
def test_the_group_page_costs_the_same_queries_for_1_and_20_members(
    client, therapist, course, members, django_assert_num_queries
):
    links = [link(therapist, make_user(), f"Client {n}") for n in range(members)]
    group = actions.save_group(therapist, "Big group", links)
    actions.assign_to_group(group, Module.objects.get(slug="first"), "", None)
    actions.assign_to_group(group, Lesson.objects.get(slug="lesson-2"), "", None)
    sign_in(client, therapist.user)
    client.get(reverse("clinic:group", args=[group.pk]))
    # session, user, group, members, their assignments, their completions, the log insert
    with django_assert_num_queries(7):
        assert client.get(reverse("clinic:group", args=[group.pk])).status_code == 200


def test_another_therapists_group_is_404_on_every_group_address(client, therapist, two_clients):
    group = actions.save_group(therapist, "Tuesday group", list(two_clients))
    intruder = make_therapist("intruder@example.com")
    sign_in(client, intruder.user)
    for name in GROUP_URLS:
        url = reverse(f"clinic:{name}", args=[group.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"name": "Mine", "module": 1}).status_code in (404, 405), name
    assert ClientGroup.objects.get().name == "Tuesday group"
    assert not Assignment.objects.exists()


def test_a_client_not_linked_to_you_cannot_join_your_group(client, therapist, care_link):
    stranger = link(make_therapist("other@example.com"), make_user(), "Stranger")
    sign_in(client, therapist.user)
    response = client.post(
        reverse("clinic:group_new"), {"name": "Mine", "members": [care_link.pk, stranger.pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Choose among your own clients only.") == 1
    assert not ClientGroup.objects.exists() and not GroupMembership.objects.exists()
    with pytest.raises(actions.ClinicError):
        actions.save_group(therapist, "Mine", [care_link, stranger])
    assert not ClientGroup.objects.exists()


def test_a_group_name_is_used_once_said_next_to_the_field(client, therapist, care_link):
    actions.save_group(therapist, "Tuesday group", [care_link])
    sign_in(client, therapist.user)
    response = client.post(reverse("clinic:group_new"), {"name": "tuesday GROUP"})
    html = unescape(response.content.decode())
    assert html.count("You already have a group called “tuesday GROUP”.") == 1
    field = re.search(r'<label for="id_name".*?<input[^>]*>', html, re.S).group(0)
    assert "You already have a group" in field
    assert "constraint" not in html.lower() and ClientGroup.objects.count() == 1


def test_an_ended_member_leaves_the_table_and_comes_back_with_undo(client, therapist, two_clients):
    sam, alex = two_clients
    group = actions.save_group(therapist, "Tuesday group", [sam, alex])
    actions.end_link(sam, by=CareLink.EndedBy.THERAPIST)
    sign_in(client, therapist.user)
    page = reverse("clinic:group", args=[group.pk])
    assert ">Sam</a>" not in client.get(page).content.decode()
    edit = client.get(reverse("clinic:group_edit", args=[group.pk])).content.decode()
    assert "Sam" not in edit  # only active clients are offered
    client.post(reverse("clinic:group_edit", args=[group.pk]), {"name": "Tuesday group"})
    client.post(reverse("clinic:restore", args=[sam.pk]))
    html = client.get(page).content.decode()
    assert ">Sam</a>" in html and ">Alex</a>" not in html  # Alex was taken out in the edit


def test_deleting_a_group_asks_first_and_keeps_the_assignments(client, therapist, care_link):
    group = actions.save_group(therapist, "Tuesday group", [care_link])
    actions.assign_to_group(group, Module.objects.get(slug="first"), "", None)
    sign_in(client, therapist.user)
    url = reverse("clinic:group_delete", args=[group.pk])
    html = unescape(client.get(url).content.decode())
    assert "Delete the group “Tuesday group”?" in html
    assert "Each client keeps the assignments given through the group." in html
    assert ClientGroup.objects.exists()
    assert client.post(url).url == reverse("clinic:roster")
    assert not ClientGroup.objects.exists()
    assert Assignment.objects.get().link == care_link


def test_saving_a_second_group_under_a_used_name_is_refused(therapist, care_link):
    actions.save_group(therapist, "Tuesday group", [care_link])
    with pytest.raises(
        actions.ClinicError, match="You already have a group called “Tuesday group”"
    ):
        actions.save_group(therapist, "Tuesday group", [])
    assert ClientGroup.objects.count() == 1
