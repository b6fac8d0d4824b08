"""A mail server that is down never breaks what the person was doing, for every email sent.

The mailer is Django's SMTP backend pointed at a port nothing listens on, as in production
with the mail server stopped. Each action is done (or the code can be asked for again), the
page says the email could not be sent, and once mail works again the same action sends it.
"""

import logging

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Progress
from prodep.accounts.models import User
from prodep.clinic.models import Assignment, Invitation, Share
from tests.factories import PASSWORD, make_user, sign_in

NOT_SENT = "We could not send an email just now"


@pytest.fixture
def mail_down(settings, closed_port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "use_tls": False, "timeout": 2},
        }
    }


@pytest.fixture
def mail_back(settings, mailoutbox):
    """Call it to bring the mail server back: the test outbox receives from then on."""

    def _back():
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        return mailoutbox

    return _back


def test_sign_up_is_done_and_the_code_can_be_sent_again(client, db, mail_down, mail_back):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert NOT_SENT in response.content.decode()
    assert User.objects.filter(email="new@example.com").exists()
    outbox = mail_back()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=11)):
        client.post(reverse("account_email_verification_sent"), {"action": "resend"})
    [code_mail] = outbox
    assert code_mail.to == ["new@example.com"]


def test_a_password_reset_can_be_asked_for_again(client, db, mail_down, mail_back):
    make_user("reset@example.com")
    response = client.post(
        reverse("account_reset_password"), {"email": "reset@example.com"}, follow=True
    )
    assert response.status_code == 200
    assert NOT_SENT in response.content.decode()
    outbox = mail_back()
    client.post(reverse("account_reset_password"), {"email": "reset@example.com"})
    [reset_mail] = outbox
    assert "/accounts/password/reset/key/" in reset_mail.body


def test_an_email_change_waits_for_its_code_and_the_code_can_be_sent_again(
    client, db, mail_down, mail_back
):
    sign_in(client, make_user("old@example.com"))
    response = client.post(
        reverse("account_email"), {"email": "new@example.com", "action_add": ""}, follow=True
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("account_email_verification_sent")
    assert NOT_SENT in response.content.decode()
    outbox = mail_back()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=11)):
        client.post(reverse("account_email_verification_sent"), {"action": "resend"})
    assert [m.to for m in outbox] == [["new@example.com"]]


def test_a_password_change_is_done_though_its_notice_cannot_be_sent(client, db, mail_down):
    user = make_user("change@example.com")
    sign_in(client, user)
    new = "another-long-password-2"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
        follow=True,
    )
    assert response.status_code == 200
    assert NOT_SENT in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)


def test_an_invitation_is_issued_and_its_link_shown_when_it_cannot_be_emailed(
    client, therapist, mail_down, mail_back, caplog
):
    sign_in(client, therapist.user)
    with caplog.at_level(logging.WARNING, logger="prodep.mail"):
        response = client.post(
            reverse("clinic:invitations"), {"email": "client@example.com", "message": ""}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not email the invitation just now" in html
    assert 'id="invite-url"' in html  # the link to copy
    assert Invitation.objects.count() == 1
    assert "Could not send the invitation email" in caplog.text
    assert "client@example.com" not in caplog.text  # the log never says who uses Prodep
    outbox = mail_back()
    client.post(reverse("clinic:invitations"), {"email": "client@example.com", "message": ""})
    assert [m.to for m in outbox] == [["client@example.com"]]


def test_sharing_a_reflection_works_though_the_therapist_update_cannot_be_sent(
    client, therapist, client_a, care_link, reflection_a, mail_down
):
    therapist.email_updates = True
    therapist.save(update_fields=["email_updates"])
    sign_in(client, client_a)
    response = client.post(
        reverse("clinic:share", args=[reflection_a.pk]), {"links": [care_link.pk]}
    )
    assert response.status_code == 302
    assert Share.objects.filter(reflection=reflection_a, link=care_link).exists()


def test_finishing_an_assigned_lesson_works_though_the_therapist_update_cannot_be_sent(
    client, therapist, client_a, care_link, mail_down
):
    therapist.email_updates = True
    therapist.save(update_fields=["email_updates"])
    lesson = Lesson.objects.get(slug="lesson-1")
    Assignment.objects.create(link=care_link, lesson=lesson)
    client.force_login(client_a)
    response = client.post(
        reverse("lessons:complete", args=["first", "lesson-1"]), {"completed": "1"}
    )
    assert response.status_code == 302
    assert Progress.objects.get(user=client_a, lesson=lesson).completed_at is not None
