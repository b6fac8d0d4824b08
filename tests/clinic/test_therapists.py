"""Applying, approval in the admin, and the two-factor gate before any client data."""

from django.urls import reverse

from prodep.clinic.models import TherapistProfile
from tests.factories import make_therapist, make_user


def test_a_user_can_apply_and_sees_the_pending_status(client, course):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("clinic:apply"),
        {
            "display_name": "Dr Lee",
            "credentials": "MFT",
            "practice": "Lee Therapy",
            "country": "US",
        },
    )
    assert response.status_code == 302
    profile = TherapistProfile.objects.get(user=user)
    assert profile.status == "pending"
    assert b"Pending review" in client.get(reverse("clinic:apply")).content


def test_application_with_missing_fields_shows_the_form_again(client, course):
    client.force_login(make_user())
    response = client.post(reverse("clinic:apply"), {"display_name": "Dr Lee"})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not TherapistProfile.objects.exists()


def test_pending_and_rejected_therapists_reach_no_clinic_page(client, course):
    for status in ("pending", "rejected"):
        profile = make_therapist(status=status)
        client.force_login(profile.user)
        assert client.get(reverse("clinic:roster")).status_code == 403
        assert client.get(reverse("clinic:invitations")).status_code == 403


def test_approved_therapist_without_two_factor_is_sent_to_set_it_up(client, course):
    profile = make_therapist(mfa=False)
    client.force_login(profile.user)
    for url in (reverse("clinic:roster"), reverse("clinic:invitations")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("clinic:welcome")


def test_admin_approves_with_an_action(admin_client, course):
    profile = make_therapist(status="pending")
    response = admin_client.post(
        reverse("admin:clinic_therapistprofile_changelist"),
        {"action": "approve", "_selected_action": [profile.pk]},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == "approved" and profile.decided_at


def test_admin_rejects_with_an_action(admin_client, course):
    profile = make_therapist(status="pending")
    admin_client.post(
        reverse("admin:clinic_therapistprofile_changelist"),
        {"action": "reject", "_selected_action": [profile.pk]},
    )
    profile.refresh_from_db()
    assert profile.status == "rejected"


def test_a_visitor_who_is_not_signed_in_has_no_therapist_profile():
    from django.contrib.auth.models import AnonymousUser

    from prodep.clinic.reads import therapist_profile

    assert therapist_profile(AnonymousUser()) is None
