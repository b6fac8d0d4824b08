"""Answering prompts: form post, autosave JSON, limits, conflicts and the journal page."""

import pytest
from django.urls import reverse

from prodep.journal.forms import AnswerForm
from prodep.journal.models import MAX_ANSWER_LENGTH, Reflection
from prodep.journal.services import AnswerError, save_answer
from tests.factories import answer, lesson_file, make_course, make_user, sync, write


@pytest.fixture
def course(content_dir, db):
    make_course(content_dir)
    sync(content_dir)
    return content_dir


@pytest.fixture
def reader(client, course):
    user = make_user()
    client.force_login(user)
    return user


def save_url(key="p1"):
    return reverse("journal:save", args=[key])


def test_plain_form_post_saves_and_returns_to_the_prompt(client, reader):
    response = client.post(save_url(), {"text": "First thoughts"})
    assert response.status_code == 302
    assert response.url == "/lessons/first/lesson-1/#reflection-p1"
    assert Reflection.objects.get(user=reader).text == "First thoughts"


def test_autosave_answers_json_and_bumps_the_version(client, reader):
    first = client.post(save_url(), {"text": "a"}, HTTP_ACCEPT="application/json").json()
    second = client.post(
        save_url(), {"text": "ab", "version": first["version"]}, HTTP_ACCEPT="application/json"
    ).json()
    assert first["ok"] and second["ok"]
    assert second["version"] == first["version"] + 1
    assert second["conflict"] is False
    assert Reflection.objects.get().text == "ab"
    assert Reflection.objects.count() == 1


def test_an_older_tab_is_told_and_the_newer_edit_wins(client, reader):
    client.post(save_url(), {"text": "v1"}, HTTP_ACCEPT="application/json")
    client.post(save_url(), {"text": "v2 from tab A", "version": 1}, HTTP_ACCEPT="application/json")
    stale = client.post(
        save_url(), {"text": "v3 from tab B", "version": 1}, HTTP_ACCEPT="application/json"
    ).json()
    assert stale["conflict"] is True
    assert Reflection.objects.get().text == "v3 from tab B"
    assert Reflection.objects.count() == 1


def test_an_answer_over_the_limit_saves_nothing(client, reader):
    too_long = "x" * (MAX_ANSWER_LENGTH + 1)
    response = client.post(save_url(), {"text": too_long}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "limit" in response.json()["error"]
    response = client.post(save_url(), {"text": too_long})
    assert response.status_code == 400
    assert b"Your text is below" in response.content
    assert not Reflection.objects.exists()


def test_the_page_the_form_and_the_service_share_one_limit(client, reader):
    """The lesson page's textarea, the journal's edit form and save_answer all read
    MAX_ANSWER_LENGTH."""
    lesson = client.get("/lessons/first/lesson-1/").content.decode()
    assert f'maxlength="{MAX_ANSWER_LENGTH}"' in lesson
    assert AnswerForm().fields["text"].max_length == MAX_ANSWER_LENGTH
    assert save_answer(reader, "p1", "x" * MAX_ANSWER_LENGTH).created
    with pytest.raises(AnswerError):
        save_answer(reader, "p1", "x" * (MAX_ANSWER_LENGTH + 1))


def test_an_unknown_prompt_saves_nothing(client, reader):
    response = client.post(
        save_url("no-such-prompt"), {"text": "x"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["error"]
    assert not Reflection.objects.exists()


def test_a_prompt_in_a_draft_lesson_cannot_be_answered_by_a_reader(client, reader, course):
    write(
        course,
        "01-first/03-draft.md",
        lesson_file("D", "::: reflection id=hidden\nQ?\n:::\n", extra="status: draft\n"),
    )
    sync(course)
    response = client.post(save_url("hidden"), {"text": "x"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400


def test_saving_needs_post_and_a_signed_in_reader(client, course):
    assert client.post(save_url(), {"text": "x"}).status_code == 302
    client.force_login(make_user())
    assert client.get(save_url()).status_code == 405


def test_journal_lists_answers_by_module_and_lesson(client, reader):
    answer(reader, "p1", "About lesson one")
    answer(reader, "p2", "About lesson two")
    html = client.get(reverse("journal:index")).content.decode()
    assert html.index("About lesson one") < html.index("About lesson two")
    assert "What do you notice, 1?" in html and "Lesson 2" in html


def test_answers_to_removed_prompts_stay_with_the_text_they_answered(client, reader, course):
    answer(reader, "p1", "Still mine")
    write(course, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "No prompt any more."))
    sync(course)
    html = client.get(reverse("journal:index")).content.decode()
    assert "Still mine" in html
    assert "What do you notice, 1?" in html
    assert "no longer in the course" in html


def test_edit_and_delete_from_the_journal(client, reader):
    reflection = answer(reader, "p1", "Before")
    edit = reverse("journal:edit", args=[reflection.pk])
    assert b"Before" in client.get(edit).content
    assert client.post(edit, {"text": "After"}).status_code == 302
    assert Reflection.objects.get().text == "After"
    delete = reverse("journal:delete", args=[reflection.pk])
    assert b"Delete this answer?" in client.get(delete).content
    assert Reflection.objects.exists()  # GET only asks
    client.post(delete)
    assert not Reflection.objects.exists()


def test_another_readers_reflection_is_404_everywhere(client, reader, course):
    theirs = answer(make_user(), "p1", "Not yours")
    for name in ("journal:edit", "journal:delete"):
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "hijack"}).status_code == 404
    assert Reflection.objects.get(pk=theirs.pk).text == "Not yours"
    assert b"Not yours" not in client.get(reverse("journal:index")).content


def test_unknown_reflection_id_is_404(client, reader):
    assert client.get(reverse("journal:edit", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"data": {}},
        {"data": {"version": "1"}},
        {"data": '{"text": ""}', "content_type": "application/json"},
        {"data": '{"version": 1}', "content_type": "application/json"},
        {"data": {"version": "1", "other": "x"}, "content_type": "multipart/form-data; boundary=B"},
    ],
    ids=["form-empty", "form-version-only", "json-text", "json-version", "multipart-no-text"],
)
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_post_without_a_text_field_changes_nothing(client, reader, body, accept):
    """Only an explicit (empty) ``text`` clears an answer; a body without one is refused."""
    answer(reader, "p1", "Keep me")
    if body.get("content_type", "").startswith("multipart"):
        payload = b'--B\r\nContent-Disposition: form-data; name="version"\r\n\r\n1\r\n--B--\r\n'
        response = client.post(
            save_url(), payload, content_type=body["content_type"], HTTP_ACCEPT=accept
        )
    else:
        response = client.post(save_url(), **body, HTTP_ACCEPT=accept)
    assert response.status_code == 400
    assert "No answer text was sent" in response.content.decode()
    assert Reflection.objects.get(user=reader).text == "Keep me"


def test_an_explicit_empty_text_clears_the_answer(client, reader):
    answer(reader, "p1", "Clear me")
    response = client.post(save_url(), {"text": ""}, HTTP_ACCEPT="application/json")
    assert response.json()["ok"]
    assert Reflection.objects.get(user=reader).text == ""


def test_the_journal_edit_form_without_a_text_field_changes_nothing(client, reader):
    reflection = answer(reader, "p1", "Keep me too")
    response = client.post(reverse("journal:edit", args=[reflection.pk]), {"version": "1"})
    assert response.status_code == 200
    assert "No answer text was sent" in response.content.decode()
    assert Reflection.objects.get(pk=reflection.pk).text == "Keep me too"


def test_a_plain_form_post_from_an_older_tab_says_the_newer_text_was_kept(client, reader):
    client.post(save_url(), {"text": "v1"})
    client.post(save_url(), {"text": "v2 from tab A", "version": 1})
    response = client.post(save_url(), {"text": "v3 from tab B", "version": 1}, follow=True)
    assert b"also been changed in another tab" in response.content
    assert Reflection.objects.get().text == "v3 from tab B"


def test_a_nul_character_is_refused_by_the_service_too(reader):
    with pytest.raises(AnswerError, match="cannot be saved"):
        save_answer(reader, "p1", "before\x00after")
    assert not Reflection.objects.exists()


def test_a_visitor_who_is_not_signed_in_owns_no_answers(reader, course):
    from django.contrib.auth.models import AnonymousUser

    from lessons.models import Lesson
    from prodep.journal.services import answers_for_lesson

    answer(reader, "p1", "Mine")
    visitor = AnonymousUser()
    assert not Reflection.objects.for_owner(visitor).exists()
    assert answers_for_lesson(visitor, Lesson.objects.get(slug="lesson-1")) == {}
