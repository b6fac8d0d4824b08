"""What authors get: DEBUG re-sync, drafts, the preview page and new_lesson."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lessons.content import check_tree
from lessons.models import Lesson
from lessons.sync import sync_content
from tests.factories import lesson_file, make_author, make_course, make_user, sign_in, write
from tests.markup import active_markup


def test_in_debug_an_edited_file_shows_on_the_next_page_load(client, content_dir, db, settings):
    settings.DEBUG = True
    make_course(content_dir)
    client.force_login(make_user())
    url = reverse("lessons:lesson", args=["first", "lesson-1"])
    assert b"Text of lesson 1." in client.get(url).content
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "Freshly edited."))
    assert b"Freshly edited." in client.get(url).content


def _break_lesson_one(client, content_dir, settings):
    """A synced course, then lesson 1 edited into an error in development."""
    settings.DEBUG = True
    make_course(content_dir)
    url = reverse("lessons:lesson", args=["first", "lesson-1"])
    client.force_login(make_user())
    client.get(url)  # synced: the last good version
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "::: oops\nx\n:::\n"))
    return url


def test_in_debug_a_broken_file_never_stops_readers(client, content_dir, db, settings):
    url = _break_lesson_one(client, content_dir, settings)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Text of lesson 1." in response.content  # the last good version
    assert b"unknown block" not in response.content and b"content has" not in response.content
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("lessons:lesson", args=["first", "lesson-2"])).status_code == 200


def test_in_debug_authors_see_the_problem_in_a_banner_and_on_the_console(
    client, content_dir, db, settings, caplog
):
    url = _break_lesson_one(client, content_dir, settings)
    sign_in(client, make_author())
    with caplog.at_level("WARNING", logger="prodep.content"):
        html = client.get(url).content.decode()
    assert "Text of lesson 1." in html
    assert "The content has 1 problem, so the last edit was not loaded" in html
    assert "readers still see the last good version" in html
    assert reverse("lessons:preview_index") in html
    assert "01-first/01-lesson-1.md:5: unknown block 'oops'" in caplog.text
    # Reported once per change, not on every page.
    caplog.clear()
    client.get(url)
    assert "unknown block" not in caplog.text

    # Fixed: the edit loads and the banner goes.
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "Mended."))
    html = client.get(url).content.decode()
    assert "Mended." in html and "The content has" not in html


def test_without_debug_files_are_not_resynced(client, content_dir, db, settings):
    make_course(content_dir)
    sync_content(content_dir)
    client.force_login(make_user())
    write(content_dir, "01-first/01-lesson-1.md", lesson_file("Lesson 1", "Edited."))
    url = reverse("lessons:lesson", args=["first", "lesson-1"])
    assert b"Edited." not in client.get(url).content


def _with_draft(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-soon.md", lesson_file("Coming soon", extra="status: draft\n"))
    sync_content(content_dir)
    return reverse("lessons:lesson", args=["first", "soon"])


def test_drafts_are_hidden_from_readers(client, content_dir, db):
    url = _with_draft(content_dir)
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    assert b"Coming soon" not in client.get(reverse("lessons:module", args=["first"])).content


def test_authors_see_drafts_with_a_banner(client, content_dir, db):
    url = _with_draft(content_dir)
    sign_in(client, make_author())
    response = client.get(url)
    assert response.status_code == 200
    assert b"Draft: only authors can see this lesson." in response.content


def test_preview_renders_a_file_from_disk_with_its_checks(client, content_dir, db):
    make_course(content_dir)
    write(content_dir, "_language.yml", "enabling: helping in ways that may not work\n")
    write(content_dir, "01-first/03-new.md", lesson_file("Unsynced", "Stop enabling him.\n"))
    sign_in(client, make_author())
    response = client.get(reverse("lessons:preview", args=["01-first/03-new.md"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop enabling him." in html
    assert "blaming or pathologising language: &#x27;enabling&#x27;" in html
    assert not Lesson.objects.filter(slug="new").exists()


def test_in_debug_the_preview_of_a_file_with_errors_still_shows_it_with_its_checks(
    client, content_dir, db, settings
):
    settings.DEBUG = True
    make_course(content_dir)
    write(content_dir, "_language.yml", "enabling: helping in ways that may not work\n")
    write(content_dir, "01-first/02-lesson-2.md", lesson_file("Lesson 2", "Stop enabling him.\n"))
    sign_in(client, make_author())
    response = client.get(reverse("lessons:preview", args=["01-first/02-lesson-2.md"]))
    assert response.status_code == 200
    assert "Stop enabling him." in response.content.decode()
    assert "blaming or pathologising language" in response.content.decode()


def test_preview_is_for_authors_only(client, content_dir, db):
    make_course(content_dir)
    url = reverse("lessons:preview", args=["01-first/01-lesson-1.md"])
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 403


def test_preview_cannot_read_outside_the_content_folder(client, content_dir, db):
    make_course(content_dir)
    sign_in(client, make_author())
    for path in ["../../etc/passwd", "01-first/../../secret.md", "nope.md"]:
        assert client.get(reverse("lessons:preview", args=[path])).status_code == 404


def test_new_lesson_writes_a_valid_draft_with_every_block(content_dir, db, capsys):
    make_course(content_dir)
    (content_dir / "crisis.md").write_text("---\ntitle: Crisis\nsummary: Help.\n---\nCall.\n")
    call_command("new_lesson", "first", "Taking a breath", "--path", str(content_dir))
    created = content_dir / "01-first/03-taking-a-breath.md"
    assert created.exists()
    text = created.read_text()
    for block in ("::: contrast", "::: reflection id=", "::: note", "::: try-this", "::: safety"):
        assert block in text
    assert check_tree(content_dir)[2] == []
    sync_content(content_dir)
    assert Lesson.objects.get(slug="taking-a-breath").is_draft


def test_new_lesson_names_the_known_modules_when_given_a_wrong_one(content_dir):
    make_course(content_dir)
    try:
        call_command("new_lesson", "nope", "Title", "--path", str(content_dir))
    except CommandError as error:
        assert "01-first" in str(error)
    else:
        raise AssertionError("expected a CommandError")


@pytest.mark.parametrize(
    "prompt_id",
    [
        'x"><meta/http-equiv="refresh"content="0;url=//evil.example">',
        'x"><img/src=x/onerror=alert(1)>',
        "x--><img/src=x/onerror=alert(1)><!--",
        "x'/onmouseover=alert(1)/",
    ],
)
def test_preview_escapes_an_invalid_reflection_id(client, content_dir, db, prompt_id):
    """An author's bad id is reported as a problem and shown as text, never as markup."""
    make_course(content_dir)
    body = f"::: reflection id={prompt_id}\nWhat do you notice?\n:::\n"
    write(content_dir, "01-first/03-new.md", lesson_file("Unsynced", body))
    sign_in(client, make_author())
    response = client.get(reverse("lessons:preview", args=["01-first/03-new.md"]))
    assert response.status_code == 200
    body = response.content.decode().split('<div class="lesson-body">', 1)[1]
    body = body.split("</article>", 1)[0]
    assert active_markup(body) == []
    assert "is not valid" in response.content.decode()


def test_authors_find_authoring_in_the_navigation_and_readers_do_not(client, content_dir, db):
    make_course(content_dir)
    sync_content(content_dir)
    link = f'<a href="{reverse("lessons:preview_index")}">Authoring</a>'
    client.force_login(make_user())
    assert link not in client.get(reverse("dashboard")).content.decode()
    sign_in(client, make_author())
    assert link in client.get(reverse("dashboard")).content.decode()


def test_the_preview_list_shows_title_status_and_problems_with_problems_first(
    client, content_dir, db
):
    make_course(content_dir)
    write(content_dir, "01-first/03-soon.md", lesson_file("Coming soon", extra="status: draft\n"))
    write(
        content_dir, "01-first/04-bad.md", lesson_file("Broken", "::: oops\nx\n:::\n\n![](a.png)\n")
    )
    sign_in(client, make_author())
    html = client.get(reverse("lessons:preview_index")).content.decode()
    rows = re.findall(r"<tr[^>]*>\s*<td>(.*?)</tr>", html, re.S)
    titles = [re.search(r'">([^<]+)</a>', row).group(1) for row in rows]
    assert titles[0] == "Broken"  # problems first, then course order
    assert titles[1:] == ["A module", "Lesson 1", "Lesson 2", "Coming soon"]
    assert "<strong>2</strong>" in rows[0] and "None" in rows[1]
    assert 'badge--draft">Draft' in rows[4] and "Published" in rows[2]
    lines = re.findall(r"01-first/04-bad\.md:(\d+):", html)
    assert lines == sorted(lines, key=int) and len(lines) == 2


def test_the_preview_lists_a_files_checks_in_line_order(client, content_dir, db):
    make_course(content_dir)
    write(content_dir, "_language.yml", "enable: help\n")
    write(content_dir, "01-first/03-x.md", lesson_file("X", "It enables.\n\n::: oops\nx\n:::\n"))
    write(content_dir, "01-first/04-y.md", lesson_file("Y", "::: reflection id=p1\nQ?\n:::\n"))
    sign_in(client, make_author())
    html = client.get(reverse("lessons:preview", args=["01-first/04-y.md"])).content.decode()
    lines = [int(n) for n in re.findall(r"<strong>Line (\d+):</strong>", html)]
    assert lines == sorted(lines) and lines
    html = client.get(reverse("lessons:preview", args=["01-first/03-x.md"])).content.decode()
    assert re.findall(r"<strong>Line (\d+):</strong>", html) == ["5", "7"]


def test_new_lesson_refuses_a_title_without_letters_or_digits(content_dir):
    make_course(content_dir)
    with pytest.raises(CommandError, match="at least one letter or digit"):
        call_command("new_lesson", "first", "?!", "--path", str(content_dir))
