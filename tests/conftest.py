import os
from pathlib import Path

import pytest

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django must allow that.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """A cheap hasher, a fresh cache (rate limits live there) and no auto-sync by default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def content_dir(settings, tmp_path):
    """An empty content folder that tests fill in; settings point at it."""
    root = tmp_path / "content"
    root.mkdir()
    settings.CONTENT_DIR = root
    return root


@pytest.fixture
def synced_course(db, settings):
    """The real curriculum, synced once per test."""
    from lessons.sync import sync_content

    settings.CONTENT_DIR = CONTENT_DIR
    sync_content(CONTENT_DIR)
    return CONTENT_DIR


@pytest.fixture
def admin_client(db, admin_user, client):
    """pytest-django's admin client, with the two-factor sign-in staff must have."""
    from tests.factories import add_totp, sign_in

    add_totp(admin_user)
    sign_in(client, admin_user)
    return client


# A small course with a therapist linked to one client: shared by clinic and security tests.
@pytest.fixture
def course(content_dir, db):
    factories.make_course(content_dir, lessons=3)
    factories.make_course(content_dir, lessons=0, module="02-second")
    factories.sync(content_dir)
    return content_dir


@pytest.fixture
def therapist(course):
    return factories.make_therapist("therapist@example.com")


@pytest.fixture
def client_a(course):
    return factories.make_user("a@example.com")


@pytest.fixture
def care_link(therapist, client_a):
    return factories.link(therapist, client_a, "Sam")


@pytest.fixture
def reflection_a(client_a, course):
    return factories.answer(client_a, "p1", "A private thought about lesson one")
