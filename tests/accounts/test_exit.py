"""Exit this page: the server side ends the session and leaves no cached pages behind."""

from django.urls import reverse

from tests.factories import make_user


def test_exit_flushes_the_session_and_lands_on_the_neutral_site(client, db, settings):
    settings.EXIT_URL = "https://neutral.example/weather"
    client.force_login(make_user())
    response = client.get(reverse("exit"))
    assert response.status_code == 302
    assert response.url == "https://neutral.example/weather"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("dashboard")).status_code == 302  # signed out


def test_exit_works_by_post_without_a_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    assert client.post(reverse("exit")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_signed_in_pages_are_never_stored(client, db):
    client.force_login(make_user())
    for url in (reverse("dashboard"), reverse("lessons:catalogue"), reverse("journal:index")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_the_exit_script_is_on_every_page_and_listens_for_shift_not_escape():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "static/js/exit.js").read_text()
    assert '"Shift"' in script
    assert "Escape" not in script.replace("Escape is never used", "")
    assert "location.replace" in script


def test_discreet_mode_gives_every_page_a_neutral_title_and_icon(client, db):
    from prodep.accounts.models import Profile

    user = make_user()
    client.force_login(user)
    assert "<title>Home · Prodep</title>" in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("discreet_mode"), {"discreet_mode": "on"})
    assert Profile.objects.get(user=user).discreet_mode
    html = client.get(reverse("dashboard")).content.decode()
    assert "<title>Notes</title>" in html
    assert "icon-neutral.svg" in html and "Prodep" not in html.split("</head>")[0]
    client.post(reverse("discreet_mode"), {})
    assert not Profile.objects.get(user=user).discreet_mode
    assert client.get(reverse("discreet_mode")).status_code == 405
