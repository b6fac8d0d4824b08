"""Invitation links point at the address the site is really served on."""

import re

from django.urls import reverse

from prodep.clinic.models import CareLink
from tests.factories import make_therapist, make_user, sign_in
from tests.live import LiveBrowser


def _shown_link(response) -> str:
    return re.search(r'id="invite-url" value="([^"]+)"', response.content.decode()).group(1)


def test_the_on_screen_link_uses_the_address_the_therapist_used(client, therapist):
    """Development: ``make run PORT=8300`` showed links on :8000."""
    sign_in(client, therapist.user)
    response = client.post(
        reverse("clinic:invitations"), {"email": "", "message": ""}, HTTP_HOST="localhost:8300"
    )
    assert _shown_link(response).startswith("http://localhost:8300/invite/")


def test_site_url_wins_over_the_request_address(client, therapist, settings, mailoutbox):
    settings.SITE_URL = "https://prodep.example.org"
    sign_in(client, therapist.user)
    response = client.post(
        reverse("clinic:invitations"),
        {"email": "c@example.com", "message": ""},
        HTTP_HOST="localhost:31337",
    )
    assert _shown_link(response).startswith("https://prodep.example.org/invite/")
    assert "https://prodep.example.org/invite/" in mailoutbox[0].body
    assert "31337" not in mailoutbox[0].body


def test_a_server_on_another_port_gives_links_that_work(live_server, mailoutbox, course):
    """The server under test listens on a port of its own; the link it shows and the one it
    mails are on that port, and a client following the link gets the invitation and joins."""
    assert not live_server.url.endswith(":8000")
    therapist = make_therapist("therapist@example.com")
    reader = make_user("reader@example.com")
    clinician = LiveBrowser(therapist.user)
    status, page = clinician.open(live_server.url + reverse("clinic:invitations"))
    assert status == 200
    status, page = clinician.open(
        live_server.url + reverse("clinic:invitations"),
        {"csrfmiddlewaretoken": clinician.csrf(page), "email": "reader@example.com", "message": ""},
    )
    assert status == 200
    shown = re.search(r'id="invite-url" value="([^"]+)"', page).group(1)
    mailed = re.search(r"https?://\S+/invite/\S+", mailoutbox[0].body).group(0)
    assert shown.startswith(live_server.url + "/invite/")
    assert mailed.startswith(live_server.url + "/invite/")

    invitee = LiveBrowser(reader)
    status, page = invitee.open(mailed)
    assert status == 200 and "They will not see" in page
    status, _ = invitee.open(mailed, {"csrfmiddlewaretoken": invitee.csrf(page), "alias": "Jo"})
    assert status == 302
    assert CareLink.objects.get(client=reader).therapist == therapist
