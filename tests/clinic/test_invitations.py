"""Invitation links: hashed, single-use, expiring, revocable, honest about what is shared."""

import re
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from prodep.clinic.actions import ClinicError, accept_invitation, create_invitation
from prodep.clinic.models import CareLink, Invitation
from tests.factories import make_therapist, make_user, sign_in


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_therapist_creates_a_link_and_only_its_hash_is_stored(client, therapist):
    sign_in(client, therapist.user)
    response = client.post(reverse("clinic:invitations"), {"email": "", "message": "Hi"})
    html = response.content.decode()
    url = re.search(r'id="invite-url" value="([^"]+)"', html).group(1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert (invitation.expires_at - timezone.now()).days == 13


def test_emailed_invitation_is_neutral(client, therapist, mailoutbox):
    sign_in(client, therapist.user)
    client.post(
        reverse("clinic:invitations"),
        {"email": "client@example.com", "message": "About your betrayal trauma work"},
    )
    [mail] = mailoutbox
    assert mail.subject == "An invitation for you"
    text = (mail.subject + mail.body).lower()
    for word in ("betray", "addict", "affair", "infidel", "prodep", "codepend", "lesson"):
        assert word not in text
    assert "/invite/" in mail.body
    assert therapist.display_name not in mail.body  # names no one by default
    assert "You have been invited" in mail.body


def test_a_therapist_may_opt_in_to_their_name_in_invitation_emails(client, course, mailoutbox):
    therapist = make_therapist("obrien@example.com")
    therapist.display_name = "Dr O'Brien"
    therapist.save()
    sign_in(client, therapist.user)
    page = client.get(reverse("clinic:preferences")).content.decode()
    assert "Add my name to the invitation emails I send" in page
    assert "someone else may read your client's inbox" in unescape(page)  # why it is off
    assert 'name="name_in_invitations"' in page and "checked" not in page.split("name_in")[1][:80]
    invitations = client.get(reverse("clinic:invitations")).content.decode()
    assert "the email names no one" in invitations
    client.post(reverse("clinic:preferences"), {"name_in_invitations": "on"})
    therapist.refresh_from_db()
    assert therapist.name_in_invitations and not therapist.email_updates
    client.post(reverse("clinic:invitations"), {"email": "client@example.com"})
    assert "Dr O'Brien has invited you" in mailoutbox[0].body  # plain text: not O&#x27;Brien


def test_opening_the_link_explains_what_will_and_will_not_be_shared(client, therapist, client_a):
    _, url = create_invitation(therapist, message="Looking forward to working with you")
    client.force_login(client_a)
    html = client.get(path_of(url)).content.decode()
    assert "will see" in html and "They will not see" in html
    assert "Looking forward to working with you" in html
    assert not CareLink.objects.exists()


def test_anonymous_visitor_is_asked_to_sign_in_first(client, therapist):
    _, url = create_invitation(therapist)
    html = client.get(path_of(url)).content.decode()
    assert "sign in or create an account first" in html
    assert client.post(path_of(url), {"alias": "Sam"}).status_code == 302
    assert not CareLink.objects.exists()


def test_accepting_links_with_the_chosen_name_and_uses_up_the_link(client, therapist, client_a):
    _, url = create_invitation(therapist)
    client.force_login(client_a)
    response = client.post(path_of(url), {"alias": "Jo"})
    assert response.status_code == 302
    link = CareLink.objects.get()
    assert (link.client, link.therapist, link.client_alias) == (client_a, therapist, "Jo")
    again = client.get(path_of(url))
    assert again.status_code == 410 and b"already been used" in again.content
    other = client.__class__()
    other.force_login(make_user())
    assert other.post(path_of(url), {"alias": "X"}).status_code == 410
    assert CareLink.objects.count() == 1


def test_alias_is_required(client, therapist, client_a):
    _, url = create_invitation(therapist)
    client.force_login(client_a)
    response = client.post(path_of(url), {"alias": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert not CareLink.objects.exists()


def test_expired_link_gets_a_clear_page(client, therapist, client_a):
    _, url = create_invitation(therapist)
    client.force_login(client_a)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=15)):
        response = client.get(path_of(url))
        assert response.status_code == 410 and b"has expired" in response.content
        assert client.post(path_of(url), {"alias": "Jo"}).status_code == 410
    assert not CareLink.objects.exists()


def test_revoked_link_gets_a_clear_page(client, therapist, client_a):
    invitation, url = create_invitation(therapist)
    sign_in(client, therapist.user)
    client.post(reverse("clinic:revoke", args=[invitation.pk]))
    client.force_login(client_a)
    response = client.get(path_of(url))
    assert response.status_code == 410 and b"withdrawn" in response.content


def test_unknown_token_gets_a_clear_page(client, course):
    response = client.get(reverse("clinic:invitation", args=["not-a-real-token"]))
    assert response.status_code == 410 and b"could not find" in response.content


def test_a_client_may_link_to_several_therapists(client, therapist, client_a):
    second = make_therapist("couples@example.com")
    for profile in (therapist, second):
        _, url = create_invitation(profile)
        client.force_login(client_a)
        client.post(path_of(url), {"alias": "Sam"})
    assert CareLink.objects.for_client(client_a).count() == 2


def test_a_therapist_cannot_revoke_another_therapists_invitation(client, therapist):
    invitation, _ = create_invitation(make_therapist("other@example.com"))
    sign_in(client, therapist.user)
    assert client.post(reverse("clinic:revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_new_client_signs_up_from_the_link_and_comes_back_to_it(client, therapist, mailoutbox):
    from tests.factories import PASSWORD

    _, url = create_invitation(therapist)
    path = path_of(url)
    client.post(
        f"{reverse('account_signup')}?next={path}",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD, "next": path},
    )
    code = re.search(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", mailoutbox[0].body, re.M).group(1)
    response = client.post(reverse("account_email_verification_sent"), {"code": code})
    assert response.url == path
    client.post(path, {"alias": "Robin"})
    assert CareLink.objects.get().client_alias == "Robin"


def test_a_therapist_cannot_accept_their_own_invitation(client, therapist):
    _, url = create_invitation(therapist)
    client.force_login(therapist.user)
    response = client.post(path_of(url), {"alias": "Me"})
    assert response.status_code == 200
    assert b"You cannot accept your own invitation." in response.content
    assert not CareLink.objects.exists()


def test_a_name_of_only_spaces_is_refused(therapist, client_a):
    _, url = create_invitation(therapist)
    token = path_of(url).rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(ClinicError, match="choose the name your therapist will see"):
        accept_invitation(client_a, token, "   ")
    assert not CareLink.objects.exists()


def test_a_second_invitation_from_the_same_therapist_renames_the_one_link(
    client, therapist, client_a
):
    client.force_login(client_a)
    for alias in ("Jo", "Joanna"):
        _, url = create_invitation(therapist)
        assert client.post(path_of(url), {"alias": alias}).status_code == 302
    link = CareLink.objects.get()
    assert link.client_alias == "Joanna"
