import pytest

from tests.factories import answer, link, make_course, make_therapist, make_user, sync


@pytest.fixture
def course(content_dir, db):
    make_course(content_dir, lessons=3)
    make_course(content_dir, lessons=0, module="02-second")
    sync(content_dir)
    return content_dir


@pytest.fixture
def therapist(course):
    return make_therapist("therapist@example.com")


@pytest.fixture
def client_a(course):
    return make_user("a@example.com")


@pytest.fixture
def care_link(therapist, client_a):
    return link(therapist, client_a, "Sam")


@pytest.fixture
def reflection_a(client_a, course):
    return answer(client_a, "p1", "A private thought about lesson one")


from tests.clinic.test_permissions import world  # noqa: E402,F401  (shared fixture)
