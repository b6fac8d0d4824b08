"""One spelling per mailbox: how email addresses are normalised before they are stored or used.

``partner@ｅxample.com`` (a fullwidth letter) and ``partner@example.com`` reach the same
mailbox, so they must be one account. Every address is put in compatibility normal form
(NFKC, which maps fullwidth and other look-alike forms to their plain letters), its domain is
turned into its IDNA (ASCII) form, and the whole is lower-cased. A domain whose label mixes
writing systems (a Cyrillic "а" among Latin letters) is refused: it is a look-alike of another
domain far more often than anyone's real address.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

INVALID = "Enter a valid email address."
MIXED_SCRIPTS = (
    "This address mixes letters from different alphabets in its domain, as look-alike "
    "addresses do. Please type the address again, in one alphabet."
)

# Scripts that are written together in one name (Unicode's "highly restrictive" level).
_COMBINED_SCRIPTS = (
    {"LATIN", "CJK", "HIRAGANA", "KATAKANA"},
    {"LATIN", "CJK", "BOPOMOFO"},
    {"LATIN", "CJK", "HANGUL"},
)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("KATAKANA"):
        return "KATAKANA"
    return name.split(" ", 1)[0]


def _mixes_scripts(label: str) -> bool:
    scripts = {_script(c) for c in label if unicodedata.category(c).startswith("L")}
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in _COMBINED_SCRIPTS)


def normalise_email(value: str) -> str:
    """The one stored spelling of ``value``; ``ValidationError`` with a clear message if none."""
    value = unicodedata.normalize("NFKC", value).strip()
    local, at, domain = value.rpartition("@")
    if not (at and local and domain):
        raise ValidationError(INVALID, code="invalid")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
        readable_domain = ascii_domain.encode("ascii").decode("idna")
    except UnicodeError:
        raise ValidationError(INVALID, code="invalid") from None
    if any(_mixes_scripts(label) for label in readable_domain.split(".")):
        raise ValidationError(MIXED_SCRIPTS, code="mixed_scripts")
    return f"{local.lower()}@{ascii_domain}"


def login_key(value: str) -> str:
    """``normalise_email`` where it can be normalised, else the lower-cased NFKC text.

    For counting failed log-ins: every spelling of one address shares one count, and text that
    is no address at all still gets a count of its own rather than an error.
    """
    try:
        return normalise_email(value)
    except ValidationError:
        return unicodedata.normalize("NFKC", value).strip().lower()
