"""Reflections are encrypted at rest; keys rotate; a wrong key fails loudly."""

import base64
import os

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from prodep.crypto import ReflectionKeyError
from prodep.journal.models import Reflection
from tests.factories import answer, make_course, make_user, sync

SECRET = "The night I found the messages I could not breathe"


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def stored(content_dir, db):
    make_course(content_dir)
    sync(content_dir)
    return answer(make_user(), "p1", SECRET)


def raw_column(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM journal_reflection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_raw_column_never_holds_the_text(stored):
    raw = raw_column(stored.pk)
    assert SECRET not in raw
    assert "breathe" not in raw
    assert Reflection.objects.get(pk=stored.pk).text == SECRET


def test_dumpdata_exports_no_plaintext(stored):
    dumped = serializers.serialize("json", Reflection.objects.all())
    assert SECRET not in dumped and "breathe" not in dumped


def test_key_rotation_keeps_every_answer_readable(stored, settings, capsys):
    old = settings.REFLECTION_KEYS[0]
    fresh = new_key()
    settings.REFLECTION_KEYS = [fresh, old]
    call_command("rotate_reflection_keys")
    assert "Re-encrypted 1 reflection(s) and 0 two-factor" in capsys.readouterr().out
    settings.REFLECTION_KEYS = [fresh]  # the old key can now be retired
    assert Reflection.objects.get(pk=stored.pk).text == SECRET


def test_a_wrong_key_raises_instead_of_showing_ciphertext(stored, settings):
    settings.REFLECTION_KEYS = [new_key()]
    with pytest.raises(ReflectionKeyError):
        Reflection.objects.get(pk=stored.pk).text  # noqa: B018


def test_the_admin_never_shows_reflection_text(stored, admin_client):
    response = admin_client.get(f"/admin/journal/reflection/{stored.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert raw_column(stored.pk) not in html


def test_rotation_with_no_key_that_opens_an_answer_stops_with_a_clear_error(stored, settings):
    settings.REFLECTION_KEYS = [new_key()]
    with pytest.raises(ReflectionKeyError, match="could not be rotated: no key opens it"):
        call_command("rotate_reflection_keys")
