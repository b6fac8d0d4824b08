"""Property-based fuzzing of every form and query parameter: never a 500, never a bad save.

Forms and parameters: the site's own (answers, journal, sharing, clinic, settings, the
once-only safety note, the landing page) and allauth's that anyone can reach (sign-up, log-in,
password reset) or a signed-in reader uses (password change, adding an address).
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.models import Progress
from prodep.accounts.models import User
from prodep.clinic.models import Assignment, CareLink, Invitation, Share, TherapistProfile
from prodep.journal.models import Reflection
from tests.factories import answer, link, make_therapist, make_user, sign_in

FUZZ = settings()  # examples per property from the loaded profile (conftest.py: dev or ci)
text = st.text(max_size=300)
junk = st.one_of(
    text,
    st.integers().map(str),
    st.sampled_from(["", "0", "-1", "1e9", "null", "9" * 30, "\x00", "../.."]),
)


@pytest.fixture
def people(course):
    therapist = make_therapist()
    reader = make_user()
    care = link(therapist, reader)
    reflection = answer(reader, "p1", "original")
    owner, viewer = Client(), Client()
    sign_in(owner, reader)
    sign_in(viewer, therapist.user)
    return {
        "owner": owner,
        "viewer": viewer,
        "link": care,
        "reflection": reflection,
        "reader": reader,
        "therapist": therapist,
    }


def ok(response):
    assert response.status_code < 500, response.status_code


@FUZZ
@given(body=text, version=junk)
def test_answer_form(people, body, version):
    before = Reflection.objects.get(pk=people["reflection"].pk).ciphertext
    response = people["owner"].post(
        reverse("journal:save", args=["p1"]),
        {"text": body, "version": version},
        HTTP_ACCEPT="application/json",
    )
    ok(response)
    stored = Reflection.objects.get(pk=people["reflection"].pk)
    if response.status_code == 400:
        assert stored.ciphertext == before
    else:
        assert stored.text == body


@FUZZ
@given(key=st.text(min_size=1, max_size=40).filter(lambda k: "/" not in k), body=text)
def test_answer_to_any_prompt_key(people, key, body):
    count = Reflection.objects.count()
    try:
        url = reverse("journal:save", args=[key])
    except Exception:
        return  # the URL itself does not match: a 404 before any view runs
    ok(people["owner"].post(url, {"text": body}))
    assert Reflection.objects.count() <= count + (1 if key in ("p2", "p3") else 0)


@FUZZ
@given(links=st.lists(junk, max_size=4))
def test_share_form(people, links):
    ok(
        people["owner"].post(
            reverse("clinic:share", args=[people["reflection"].pk]), {"links": links}
        )
    )
    allowed = {people["link"].pk}
    assert set(Share.objects.values_list("link_id", flat=True)) <= allowed


@FUZZ
@given(module=junk, lesson=junk, note=text, due=junk)
def test_assignment_form(people, module, lesson, note, due):
    count = Assignment.objects.count()
    response = people["viewer"].post(
        reverse("clinic:assign", args=[people["link"].pk]),
        {"module": module, "lesson": lesson, "note": note, "due_date": due},
    )
    ok(response)
    if response.status_code == 200:  # the form came back: invalid, so nothing saved
        assert Assignment.objects.count() == count


@FUZZ
@given(email=junk, message=text)
def test_invitation_form(people, email, message):
    count = Invitation.objects.count()
    response = people["viewer"].post(
        reverse("clinic:invitations"), {"email": email, "message": message}
    )
    ok(response)
    if 'id="invite-url"' not in response.content.decode():
        assert Invitation.objects.count() == count


@FUZZ
@given(name=text, credentials=text, practice=text, country=text)
def test_therapist_application_form(course, name, credentials, practice, country):
    client = Client()
    client.force_login(make_user())
    count = TherapistProfile.objects.count()
    response = client.post(
        reverse("clinic:apply"),
        {
            "display_name": name,
            "credentials": credentials,
            "practice": practice,
            "country": country,
        },
    )
    ok(response)
    if response.status_code == 200:
        assert TherapistProfile.objects.count() == count


@FUZZ
@given(alias=text, token=st.text(min_size=1, max_size=60).filter(lambda t: "/" not in t))
def test_invitation_acceptance(people, alias, token):
    count = CareLink.objects.count()
    try:
        url = reverse("clinic:invitation", args=[token])
    except Exception:
        return
    ok(people["owner"].post(url, {"alias": alias}))
    assert CareLink.objects.count() == count  # no such token: nothing linked


@FUZZ
@given(sort=junk, show=junk, q=text)
def test_roster_query_parameters(people, sort, show, q):
    ok(people["viewer"].get(reverse("clinic:roster"), {"sort": sort, "show": show, "q": q}))


@FUZZ
@given(completed=junk)
def test_mark_as_read(people, completed):
    ok(
        people["owner"].post(
            reverse("lessons:complete", args=["first", "lesson-1"]), {"completed": completed}
        )
    )
    assert Progress.objects.filter(user=people["reader"]).count() == 1


@FUZZ
@given(confirm=junk.filter(lambda c: c.strip().lower() != "delete"))
def test_delete_confirmation(people, confirm):
    ok(people["owner"].post(reverse("delete_account"), {"confirm": confirm}))
    assert type(people["reader"]).objects.filter(pk=people["reader"].pk).exists()


@FUZZ
@given(path=st.text(max_size=80))
def test_any_path_under_the_site(people, path):
    from urllib.parse import quote

    ok(people["owner"].get("/" + quote(path)))


@FUZZ
@given(body=text, version=junk, include_text=st.booleans())
def test_journal_edit_form(people, body, version, include_text):
    pk = people["reflection"].pk
    before = Reflection.objects.get(pk=pk).ciphertext
    data = {"version": version} | ({"text": body} if include_text else {})
    response = people["owner"].post(reverse("journal:edit", args=[pk]), data)
    ok(response)
    stored = Reflection.objects.get(pk=pk)
    if response.status_code == 302:
        assert include_text and stored.text == body
    else:
        assert stored.ciphertext == before


@FUZZ
@given(page=junk)
def test_journal_page_parameter(people, page):
    ok(people["owner"].get(reverse("journal:index"), {"page": page}))


@FUZZ
@given(next_url=junk, method=st.sampled_from(["get", "post"]))
def test_safety_note_next_parameter_stays_on_the_site(people, next_url, method):
    response = getattr(people["owner"], method)(reverse("safety_intro"), {"next": next_url})
    ok(response)
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@FUZZ
@given(discreet=junk, updates=junk, name=junk, account=junk)
def test_settings_switches_and_the_landing_parameter(people, discreet, updates, name, account):
    ok(people["owner"].post(reverse("discreet_mode"), {"discreet_mode": discreet}))
    ok(
        people["viewer"].post(
            reverse("clinic:preferences"), {"email_updates": updates, "name_in_invitations": name}
        )
    )
    ok(Client().get(reverse("landing"), {"account": account}))


addresses = st.ip_addresses(v=4).map(str)
emails = st.one_of(junk, st.emails().map(str))


@FUZZ
@given(email=emails, password1=text, password2=text, address=addresses)
def test_sign_up_form(course, email, password1, password2, address):
    users = User.objects.count()
    response = Client(REMOTE_ADDR=address).post(
        reverse("account_signup"),
        {"email": email, "password1": password1, "password2": password2},
    )
    ok(response)
    if response.status_code != 302:
        assert User.objects.count() == users


@FUZZ
@given(login=emails, password=text, address=addresses)
def test_log_in_form(people, login, password, address):
    response = Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": login, "password": password}
    )
    ok(response)
    assert response.status_code != 302  # no made-up password opens an account


@FUZZ
@given(email=emails, address=addresses)
def test_password_reset_form(course, email, address):
    ok(Client(REMOTE_ADDR=address).post(reverse("account_reset_password"), {"email": email}))


@FUZZ
@given(old=text, new1=text, new2=text)
def test_password_change_form(people, old, new1, new2):
    reader = people["reader"]
    before = User.objects.get(pk=reader.pk).password
    ok(
        people["owner"].post(
            reverse("account_change_password"),
            {"oldpassword": old, "password1": new1, "password2": new2},
        )
    )
    assert User.objects.get(pk=reader.pk).password == before  # a made-up old password


@FUZZ
@given(email=emails)
def test_add_email_form(people, email):
    from allauth.account.models import EmailAddress

    count = EmailAddress.objects.count()
    response = people["owner"].post(reverse("account_email"), {"action_add": "", "email": email})
    ok(response)
    if response.status_code == 200:  # the form came back: nothing added
        assert EmailAddress.objects.count() == count
