"""Links, assignments, sharing and the access log, from both sides."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Module, Progress
from prodep.clinic import actions
from prodep.clinic.models import AccessLog, Assignment, CareLink, Share
from prodep.clinic.templatetags.clinic import ago
from tests.factories import answer, link, make_therapist, make_user, sign_in

SECRET = "A private thought about lesson one"


def share(client, reflection, *links):
    return client.post(
        reverse("clinic:share", args=[reflection.pk]), {"links": [str(item.pk) for item in links]}
    )


def test_nothing_is_shared_by_default(client, therapist, care_link, reflection_a):
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:client", args=[care_link.pk])).content.decode()
    assert SECRET not in html
    assert "has not shared any reflections" in html


def test_sharing_shows_the_reflection_and_stopping_removes_it_next_request(
    client, therapist, client_a, care_link, reflection_a
):
    owner = client.__class__()
    sign_in(owner, client_a)
    share(owner, reflection_a, care_link)
    sign_in(client, therapist.user)
    page = reverse("clinic:client", args=[care_link.pk])
    assert SECRET in client.get(page).content.decode()
    share(owner, reflection_a)  # nothing ticked: stop sharing
    assert SECRET not in client.get(page).content.decode()
    assert not Share.objects.exists()


def test_every_look_is_logged_for_the_client_without_the_text(
    client, therapist, client_a, care_link, reflection_a
):
    Share.objects.create(reflection=reflection_a, link=care_link)
    sign_in(client, therapist.user)
    client.get(reverse("clinic:client", args=[care_link.pk]))
    whats = sorted(AccessLog.objects.values_list("what", flat=True))
    assert whats == ["client_page", "reflection"]
    assert not AccessLog.objects.filter(prompt_text__contains="private thought").exists()
    client.force_login(client_a)
    html = client.get(reverse("clinic:access_log")).content.decode()
    assert therapist.display_name in html
    assert "Viewed your progress page" in html and "Read a reflection you shared" in html
    assert SECRET not in html


def test_a_client_can_only_share_with_their_own_active_links(client, client_a, reflection_a):
    stranger = link(make_therapist("stranger@example.com"), make_user(), "Other")
    sign_in(client, client_a)
    share(client, reflection_a, stranger)
    assert not Share.objects.exists()
    response = client.post(reverse("clinic:share", args=[reflection_a.pk]), {"links": ["x"]})
    assert response.status_code == 302 and not Share.objects.exists()


def test_sharing_someone_elses_reflection_is_404(client, care_link, reflection_a):
    intruder = make_user()
    sign_in(client, intruder)
    assert share(client, reflection_a, care_link).status_code == 404
    assert not Share.objects.exists()


@pytest.mark.parametrize("side", ["client", "therapist"])
def test_either_side_ends_the_link_effective_on_the_next_request(
    client, therapist, client_a, care_link, reflection_a, side
):
    Share.objects.create(reflection=reflection_a, link=care_link)
    viewer = client.__class__()
    sign_in(viewer, therapist.user)
    page = reverse("clinic:client", args=[care_link.pk])
    assert viewer.get(page).status_code == 200
    if side == "client":
        sign_in(client, client_a)
        client.post(reverse("clinic:client_end", args=[care_link.pk]))
    else:
        sign_in(client, therapist.user)
        client.post(reverse("clinic:therapist_end", args=[care_link.pk]))
    assert viewer.get(page).status_code == 404
    assert f'href="{page}"' not in viewer.get(reverse("clinic:roster")).content.decode()


def test_assignment_lifecycle_and_the_clients_dashboard(client, therapist, client_a, care_link):
    module = Module.objects.get(slug="first")
    sign_in(client, therapist.user)
    response = client.post(
        reverse("clinic:assign", args=[care_link.pk]),
        {"module": module.pk, "note": "Take your time", "due_date": "2026-01-05"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.module, assignment.note) == (module, "Take your time")

    reader = client.__class__()
    reader.force_login(client_a)
    html = reader.get(reverse("dashboard")).content.decode()
    assert "From your therapist" in html and "Take your time" in html
    assert "0 of 3 read" in html
    assert "No rush" in html  # a past date is shown gently

    lesson = Lesson.objects.get(slug="lesson-2")
    client.post(
        reverse("clinic:assignment", args=[assignment.pk]),
        {"lesson": lesson.pk, "note": "Just this one", "due_date": ""},
    )
    assignment.refresh_from_db()
    assert assignment.lesson == lesson and assignment.module is None
    client.post(reverse("clinic:assignment_delete", args=[assignment.pk]))
    assert not Assignment.objects.exists()


def test_assignment_needs_exactly_one_target(client, therapist, care_link):
    sign_in(client, therapist.user)
    response = client.post(reverse("clinic:assign", args=[care_link.pk]), {"note": "x"})
    assert response.status_code == 200
    assert b"Choose a module, or a single lesson below." in response.content
    module = Module.objects.get(slug="first")
    lesson = Lesson.objects.get(slug="lesson-1")
    response = client.post(
        reverse("clinic:assign", args=[care_link.pk]), {"module": module.pk, "lesson": lesson.pk}
    )
    assert response.status_code == 200 and not Assignment.objects.exists()


def test_roster_shows_progress_activity_and_due_dates_sorted_and_filtered(
    client, therapist, client_a, care_link
):
    other = make_user()
    link(therapist, other, "Alex")
    module = Module.objects.get(slug="first")
    Assignment.objects.create(
        link=care_link, module=module, due_date=timezone.localdate() - timezone.timedelta(days=1)
    )
    now = timezone.now()
    Progress.objects.create(
        user=client_a,
        lesson=Lesson.objects.get(slug="lesson-1"),
        started_at=now,
        last_opened_at=now - timezone.timedelta(days=3, hours=2),
        completed_at=now,
    )
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:roster")).content.decode()
    assert "3 days ago" in html and "Not yet" in html  # Sam's last activity; Alex has none
    assert html.index("Alex") < html.index("Sam")
    assert "A module: 1 of 3" in html and "1 past due" in html
    overdue = client.get(reverse("clinic:roster"), {"show": "overdue"}).content.decode()
    assert "Sam" in overdue and "Alex" not in overdue
    by_due = client.get(reverse("clinic:roster"), {"sort": "due"}).content.decode()
    assert by_due.index("Sam") < by_due.index("Alex")
    assert "Alex" not in client.get(reverse("clinic:roster"), {"q": "sa"}).content.decode()


@pytest.mark.parametrize("clients", [1, 50])
def test_roster_and_client_page_query_budgets(client, course, clients, django_assert_num_queries):
    therapist = make_therapist()
    module = Module.objects.get(slug="first")
    lesson = Lesson.objects.get(slug="lesson-1")
    links = []
    for n in range(clients):
        reader = make_user()
        care = link(therapist, reader, f"Client {n}")
        links.append(care)
        Assignment.objects.create(link=care, module=module)
        Assignment.objects.create(link=care, lesson=lesson)
        reflection = answer(reader, "p1", f"thought {n}")
        Share.objects.create(reflection=reflection, link=care)
    actions.save_group(therapist, "Everyone", links)
    actions.end_link(link(therapist, make_user(), "Former"), by=CareLink.EndedBy.THERAPIST)
    sign_in(client, therapist.user)
    client.get(reverse("clinic:roster"))
    # Roster: session, user, links, lessons read, latest openings, assignments, groups,
    # recently ended, and one insert into the access log for all the clients shown (16.10).
    with django_assert_num_queries(9):
        assert client.get(reverse("clinic:roster")).status_code == 200
    # Client page: session, user, link, shares, access-log insert, progress, assignments.
    with django_assert_num_queries(7):
        assert client.get(reverse("clinic:client", args=[links[-1].pk])).status_code == 200


def test_update_emails_are_off_by_default_and_neutral_when_on(
    client, therapist, client_a, care_link, reflection_a, mailoutbox
):
    owner = client.__class__()
    sign_in(owner, client_a)
    share(owner, reflection_a, care_link)
    assert mailoutbox == []
    sign_in(client, therapist.user)
    client.post(reverse("clinic:preferences"), {"email_updates": "on"})
    share(owner, reflection_a)
    share(owner, reflection_a, care_link)
    Assignment.objects.create(link=care_link, lesson=Lesson.objects.get(slug="lesson-1"))
    owner.post(reverse("lessons:complete", args=["first", "lesson-1"]), {"completed": "1"})
    assert [m.subject for m in mailoutbox] == ["Activity update", "Activity update"]
    for mail in mailoutbox:
        assert SECRET not in mail.body and "Lesson 1" not in mail.body
        assert mail.to == [therapist.user.email]
    assert "Sam shared a reflection with you." in mailoutbox[0].body
    assert "Sam finished an assignment." in mailoutbox[1].body


@pytest.mark.parametrize(
    "elapsed, text",
    [
        (timezone.timedelta(minutes=5), "within the hour"),
        (timezone.timedelta(hours=1), "1 hour ago"),
        (timezone.timedelta(hours=23, minutes=59), "23 hours ago"),
        (timezone.timedelta(days=1), "1 day ago"),
        (timezone.timedelta(days=13), "13 days ago"),
        (timezone.timedelta(days=14), "2 weeks ago"),
        (timezone.timedelta(days=59), "8 weeks ago"),
        (timezone.timedelta(days=60), "2 months ago"),
        (timezone.timedelta(seconds=-30), "within the hour"),  # a clock a little ahead
    ],
)
def test_last_activity_reads_coarsely(elapsed, text):
    now = timezone.now()
    assert ago(now - elapsed, now) == text


def test_a_reflection_of_someone_else_cannot_be_shared(therapist, care_link, reflection_a):
    other = make_user()
    with pytest.raises(actions.ClinicError, match="not yours"):
        actions.set_shares(other, reflection_a, {care_link.id})
    assert not Share.objects.exists()
