"""Encryption at rest, with keys from the environment: one place for every secret we keep.

Reflections (``prodep.journal``), two-factor secrets and recovery-code seeds
(``prodep.accounts.adapter.MFAAdapter``) and the benchmark's data all go through here.

``REFLECTION_KEYS`` holds one or more Fernet keys: the first encrypts, every key decrypts, so a
new key can be put first and ``rotate_reflection_keys`` run to re-encrypt old rows. A token that
no key can open raises ``ReflectionKeyError``: the app must never show ciphertext, or an empty
answer, as if it were the reader's text.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class ReflectionKeyError(Exception):
    """No key in ``REFLECTION_KEYS`` can decrypt this token."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.REFLECTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ReflectionKeyError(
            "A token could not be decrypted with any key in REFLECTION_KEYS."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the first key."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise ReflectionKeyError("A token could not be rotated: no key opens it.") from None
