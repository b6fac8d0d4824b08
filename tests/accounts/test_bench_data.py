"""bench_data builds the benchmark data set, and refuses to touch what may be real data."""

import pytest
from django.core.management import CommandError, call_command

from bench.data import DOMAIN, ENDPOINT_USERS
from lessons.models import Progress
from prodep.accounts.models import User
from prodep.clinic.models import CareLink, TherapistProfile
from prodep.journal.models import Reflection
from tests.factories import make_user

SMALL = {
    "partners": 40,
    "therapists": 3,
    "clients_per_therapist": 10,
    "progress": 800,
    "reflections": 300,
    "verbosity": 0,
}


@pytest.fixture(autouse=True)
def _no_bench_env(monkeypatch):
    monkeypatch.delenv("PRODEP_BENCH_DB", raising=False)


def test_refuses_without_debug_unless_told_it_is_a_bench_database(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--yes-this-is-a-bench-db"):
        call_command("bench_data", "--minimal")
    assert not User.objects.exists()


def test_the_environment_variable_from_the_harness_also_allows_it(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("PRODEP_BENCH_DB", "1")
    call_command("bench_data", "--minimal", verbosity=0)
    assert User.objects.filter(email=ENDPOINT_USERS["reader"]).exists()


def test_refuses_a_database_with_accounts_unless_forced(db, settings):
    settings.DEBUG = True
    make_user("someone@example.com")
    with pytest.raises(CommandError, match="already has accounts"):
        call_command("bench_data", "--minimal")
    assert User.objects.count() == 1


def test_force_replaces_earlier_bench_accounts_and_keeps_the_rest(db, settings):
    settings.DEBUG = True
    real = make_user("someone@example.com")
    call_command("bench_data", "--minimal", "--force", verbosity=0)
    first = User.objects.filter(email__endswith=f"@{DOMAIN}").count()
    call_command("bench_data", "--minimal", "--force", verbosity=0)
    assert User.objects.filter(email__endswith=f"@{DOMAIN}").count() == first
    assert User.objects.filter(pk=real.pk).exists()


def test_builds_the_scale_set_with_the_endpoint_users(db):
    call_command("bench_data", "--yes-this-is-a-bench-db", **SMALL)
    reader = User.objects.get(email=ENDPOINT_USERS["reader"])
    journal = User.objects.get(email=ENDPOINT_USERS["journal"])
    therapist = TherapistProfile.objects.get(user__email=ENDPOINT_USERS["therapist"])

    assert TherapistProfile.objects.filter(status="approved").count() == 3
    assert CareLink.objects.for_therapist(therapist).count() == 50
    assert CareLink.objects.filter(client=reader, therapist=therapist).exists()
    assert Reflection.objects.filter(user=journal).count() == 100
    answers = Reflection.objects.filter(user=reader)
    assert answers.count() == 3
    assert len({r.prompt.lesson.module_id for r in answers}) == 1
    assert all(r.text for r in answers)  # valid Fernet tokens under the configured keys
    assert Progress.objects.filter(user=reader).exists()
    partners = User.objects.filter(email__startswith="partner-")
    assert partners.count() == 40
    assert Progress.objects.filter(user__in=partners).count() == 800
    assert Reflection.objects.filter(user__in=partners).count() == 300
    assert reader.profile.safety_intro_seen_at is not None
    assert reader.emailaddress_set.get().verified
