"""Every user-writable field, filled with each payload, is escaped on every page that shows it."""

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Module
from prodep.clinic.access import open_client_page
from prodep.clinic.models import Assignment, Invitation, Share
from tests.factories import answer, link, make_therapist, make_user, sign_in
from tests.lessons.xss_payloads import PAYLOADS

# Only payloads that carry markup can do harm when shown raw.
MARKUP = [p for p in PAYLOADS if "<" in p]


@pytest.mark.parametrize("payload", MARKUP)
def test_payload_in_every_field_is_escaped_for_owner_and_therapist(course, payload):
    therapist = make_therapist("t@example.com")
    for field in ("display_name", "credentials", "practice", "country"):
        setattr(therapist, field, payload[:100])
    therapist.save()
    reader = make_user("r@example.com")
    reflection = answer(reader, "p1", payload)
    care = link(therapist, reader, payload[:60])
    Share.objects.create(reflection=reflection, link=care)
    Assignment.objects.create(link=care, module=Module.objects.get(slug="first"), note=payload)
    _, token = Invitation.issue(therapist, message=payload)
    open_client_page(care.therapist, care.pk)

    owner, viewer = Client(), Client()
    sign_in(owner, reader)
    sign_in(viewer, therapist.user)
    pages = [
        (owner, reverse("journal:index")),
        (owner, reverse("journal:edit", args=[reflection.pk])),
        (owner, reverse("lessons:lesson", args=["first", "lesson-1"])),
        (owner, reverse("dashboard")),
        (owner, reverse("clinic:care")),
        (owner, reverse("clinic:access_log")),
        (owner, reverse("clinic:invitation", args=[token])),
        (viewer, reverse("clinic:roster")),
        (viewer, reverse("clinic:client", args=[care.pk])),
        (viewer, reverse("clinic:assignment", args=[Assignment.objects.get().pk])),
        (viewer, reverse("clinic:invitations")),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code in (200, 410), path
        html = response.content.decode()
        for fragment in (payload, payload[:60], payload[:100]):
            assert fragment not in html, (path, fragment)
