"""Download my data, and delete my account leaving nothing of theirs behind."""

import html
import io
import json
import re
import zipfile

import markdown
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse

from lessons.models import Lesson, Progress
from prodep.accounts.models import User
from prodep.clinic.access import open_client_page
from prodep.clinic.models import AccessLog, Assignment, CareLink, Share
from prodep.journal.models import Reflection
from tests.factories import PASSWORD, answer, link, make_therapist, make_user, sign_in
from tests.markup import active_markup


@pytest.fixture
def rich_user(course):
    user = make_user("rich@example.com")
    reflection = answer(user, "p1", "What I felt that night")
    care = link(make_therapist("t@example.com"), user, "Robin")
    Share.objects.create(reflection=reflection, link=care)
    Assignment.objects.create(link=care, lesson=Lesson.objects.get(slug="lesson-1"), note="Read")
    open_client_page(care.therapist, care.pk)
    lesson = Lesson.objects.get(slug="lesson-2")
    Progress.objects.create(
        user=user,
        lesson=lesson,
        started_at=lesson.updated_at,
        last_opened_at=lesson.updated_at,
        completed_at=lesson.updated_at,
    )
    return user


def test_download_has_json_and_markdown_of_everything(client, rich_user):
    sign_in(client, rich_user)
    response = client.post(reverse("export_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("my-data.json"))
    assert data["account"]["email"] == "rich@example.com"
    assert data["reflections"][0]["answer"] == "What I felt that night"
    assert data["progress"][0]["completed_at"]
    assert data["shares"][0]["therapist"] == "Dr T"
    assert data["therapist_links"][0]["name_they_see"] == "Robin"
    assert data["assignments"][0]["note"] == "Read"
    assert {e["what"] for e in data["access_log"]} == {
        "Viewed your progress page",
        "Read a reflection you shared",
    }
    readable = archive.read("my-data.md").decode()
    assert "What I felt that night" in readable and "## Who has seen what" in readable


def test_export_is_post_only(client, rich_user):
    sign_in(client, rich_user)
    assert client.get(reverse("export_data")).status_code == 405


def test_delete_needs_the_typed_confirmation(client, rich_user):
    sign_in(client, rich_user)
    response = client.post(reverse("delete_account"), {"confirm": "yes"})
    assert response.status_code == 400
    assert User.objects.filter(pk=rich_user.pk).exists()


def test_delete_removes_everything_but_the_anonymised_access_log(client, rich_user):
    TOTP.activate(rich_user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.post(reverse("account_login"), {"login": rich_user.email, "password": PASSWORD})
    sign_in(client, rich_user)
    client.get(reverse("dashboard"))  # a tracked session
    assert UserSession.objects.filter(user=rich_user).exists()
    session_keys = list(UserSession.objects.values_list("session_key", flat=True))
    user_id = rich_user.pk

    response = client.post(reverse("delete_account"), {"confirm": "delete"})
    assert response.status_code == 302 and response.url.startswith(reverse("landing"))
    assert response["Clear-Site-Data"]

    assert not User.objects.filter(pk=user_id).exists()
    # Everything of theirs is gone (the therapist's own rows stay).
    assert not Reflection.objects.exists() and not Share.objects.exists()
    assert not Progress.objects.exists()
    assert not CareLink.objects.exists() and not Assignment.objects.exists()
    for model in (EmailAddress, Authenticator, UserSession):
        assert not model.objects.filter(user_id=user_id).exists(), model.__name__
    assert not Session.objects.filter(session_key__in=session_keys).exists()
    logs = AccessLog.objects.all()
    assert logs.count() == 2 and all(log.client_id is None for log in logs)
    # Nothing else in any table points at the deleted user.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "related_model", None) is User and field.concrete:
                assert not model.objects.filter(**{field.attname: user_id}).exists(), model
    assert not client.login(email="rich@example.com", password=PASSWORD)


def test_the_landing_page_confirms_a_deletion_without_any_cookie(client, rich_user):
    """Deletion answers with Clear-Site-Data "cookies": the browser drops every cookie of the
    site, including a message cookie set by the same response, so the confirmation must reach
    the landing page some other way."""
    sign_in(client, rich_user)
    response = client.post(reverse("delete_account"), {"confirm": "delete"})
    assert '"cookies"' in response["Clear-Site-Data"]
    client.cookies.clear()  # what the browser does with that header
    landing = client.get(response.url)
    assert landing.status_code == 200
    assert "Your account and everything in it have been deleted." in landing.text
    assert "deleted" not in client.get(reverse("landing")).text  # said once, not on every visit


def test_rotation_covers_two_factor_secrets(db, settings, capsys):
    import base64
    import os

    user = make_user()
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    fresh = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings.REFLECTION_KEYS = [fresh, *settings.REFLECTION_KEYS]
    call_command("rotate_reflection_keys")
    assert "1 two-factor secret(s)" in capsys.readouterr().out
    settings.REFLECTION_KEYS = [fresh]
    assert TOTP(Authenticator.objects.get(user=user)).instance.wrap()
    from allauth.mfa.adapter import get_adapter

    secret = get_adapter().decrypt(Authenticator.objects.get(user=user).data["secret"])
    assert secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


MARKUP = "<img src=x onerror=alert(1)>[a](//e.x)<script>1</script>"  # fits an alias (60)


def test_the_readable_export_shows_what_others_wrote_as_text_not_markup(client, course):
    """Names, aliases and notes written by a therapist reach my-data.md as text: opened in a
    Markdown viewer, none of it becomes an image, a link or a script."""
    user = make_user("reader@example.com")
    therapist = make_therapist("t@example.com")
    therapist.display_name = f"Dr {MARKUP}"
    therapist.save()
    care = link(therapist, user, MARKUP)
    Assignment.objects.create(
        link=care, lesson=Lesson.objects.get(slug="lesson-1"), note=f"Read this\n\n{MARKUP}"
    )
    Share.objects.create(reflection=answer(user, "p1", "Mine"), link=care)
    open_client_page(care.therapist, care.pk)
    sign_in(client, user)
    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("export_data")).content))
    readable = archive.read("my-data.md").decode()
    rendered = markdown.markdown(readable)
    assert active_markup(rendered) == [], rendered
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert text.count("<img src=x onerror=alert(1)>") >= 4  # name, alias, note, access log
    assert "Read this" in text


def test_the_delete_page_says_what_goes_and_asks_for_the_word(client, rich_user):
    sign_in(client, rich_user)
    html = client.get(reverse("delete_account")).content.decode()
    assert "your reflections, and any sharing of them" in html
    assert 'Type "delete" to confirm' in html
