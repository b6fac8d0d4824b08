"""The session row and the user are read in plain SQL: they must match what the ORM gives."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.utils import timezone

from prodep.accounts.loading import load_session_data, load_user
from prodep.accounts.models import Profile
from prodep.accounts.sessions import SessionStore
from prodep.clinic.models import TherapistProfile
from tests import factories

pytestmark = pytest.mark.django_db


def fields_of(instance: Model) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_a_therapist_loads_with_both_profiles_equal_to_the_orms_and_no_further_query(
    django_assert_num_queries,
):
    therapist = factories.make_therapist("t@example.com").user
    Profile.objects.filter(user=therapist).update(
        discreet_mode=True, time_zone="America/Los_Angeles", safety_intro_seen_at=timezone.now()
    )
    expected = (
        get_user_model().objects.select_related("profile", "therapist_profile").get(pk=therapist.pk)
    )

    with django_assert_num_queries(1):
        user = load_user(therapist.pk)
        assert user.profile.discreet_mode is True
        assert user.therapist_profile.user is user

    assert fields_of(user) == fields_of(expected)
    assert fields_of(user.profile) == fields_of(expected.profile)
    assert fields_of(user.therapist_profile) == fields_of(expected.therapist_profile)
    assert user.profile.safety_intro_seen_at.tzinfo is not None  # converted, not text
    assert user._state.adding is False
    user.profile.save()  # an ordinary instance: it saves as an update


def test_a_reader_without_a_therapist_profile_answers_does_not_exist_without_a_query(
    django_assert_num_queries,
):
    reader = factories.make_user("r@example.com")
    user = load_user(reader.pk)
    with django_assert_num_queries(0):
        assert not hasattr(user, "therapist_profile")
        assert user.profile.user_id == reader.pk
    with pytest.raises(TherapistProfile.DoesNotExist):
        user.therapist_profile  # noqa: B018


@pytest.mark.parametrize("user_id", [10**9, "not-a-number", None, ""])
def test_an_unknown_or_malformed_id_is_nobody(user_id):
    factories.make_user()
    assert load_user(user_id) is None


def test_an_expired_session_is_not_loaded_and_starts_empty():
    store = SessionStore()
    store["kept"] = "yes"
    store.save()
    key = store.session_key
    assert load_session_data(Session, key) is not None
    assert SessionStore(key).load() == {"kept": "yes"}

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert load_session_data(Session, key) is None
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key on the next save, never the old one


def test_a_signed_in_page_reads_the_session_and_the_user_once_each(
    client, django_assert_num_queries
):
    factories.sign_in(client, factories.make_user())
    client.get("/settings/")  # the once-a-minute bookkeeping writes happen here
    with django_assert_num_queries(2):  # the session row, the user with both profiles
        assert client.get("/robots.txt").status_code == 200
