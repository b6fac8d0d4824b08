"""Every kind of record that holds a person's data, declared once.

Each app declares its own models in its ``personal_data.py`` (imported by its ``AppConfig.ready``):
which field leads to the person, how the record is exported (a section of ``my-data.json``, or
why it is not), what deleting the account does to it, and how the admin shows it. The data
export and account deletion (``prodep.accounts.services``) are driven by these declarations, and
``tests/accounts/test_personal_data.py`` fails when a model with a key to the user is missing
here, or when a declaration no longer matches the model or the admin.

This module sits below every app: it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models

# The sections of my-data.json, in the order they are written ("exported_at" comes first).
EXPORT_SECTIONS = (
    "account",
    "progress",
    "reflections",
    "shares",
    "therapist_links",
    "assignments",
    "access_log",
)


class Deletion(StrEnum):
    """What deleting the account does to the record."""

    CASCADE = "deleted with the account (its key cascades)"
    ACCOUNT = "is the account itself"
    KEPT_WITHOUT_PERSON = "kept, with the key to the person set to null"


class Admin(StrEnum):
    """How the admin shows the record."""

    NOT_SHOWN = "not registered in the admin"
    READ_ONLY = "shown read-only: every field it shows is read-only"
    EDITABLE = "shown, and staff may edit some fields"


@dataclass(frozen=True)
class Declaration:
    model: type[models.Model]
    # The lookup from the record to its person's user ("user", "reflection__user"); "pk" for
    # the user model itself.
    owner: str
    deletion: Deletion
    admin: Admin
    # (section of my-data.json, the user's rows as JSON-ready values), or None with the reason.
    export: tuple[str, Callable[[Any], Any]] | None = None
    not_exported: str = ""
    # Run inside the deletion's transaction, before the user row goes (rows with no key to
    # cascade through, such as the session rows behind a tracked session).
    before_deletion: Callable[[Any], None] | None = None
    # Fields the admin must never show (a reflection's ciphertext, a two-factor secret).
    never_in_admin: tuple[str, ...] = ()


_declarations: dict[str, Declaration] = {}


def declare(
    model: type[models.Model],
    *,
    owner: str,
    deletion: Deletion,
    admin: Admin,
    export: tuple[str, Callable[[Any], Any]] | None = None,
    not_exported: str = "",
    before_deletion: Callable[[Any], None] | None = None,
    never_in_admin: tuple[str, ...] = (),
) -> None:
    """Declare ``model`` as holding a person's data. Exactly one of ``export`` (section, rows)
    and ``not_exported`` (why) is given."""
    if (export is None) == (not not_exported):
        raise ValueError(f"{model.__name__}: give an export section or say why it has none.")
    if export is not None and export[0] not in EXPORT_SECTIONS:
        raise ValueError(f"{model.__name__}: add the section {export[0]!r} to EXPORT_SECTIONS.")
    _declarations[model._meta.label] = Declaration(
        model, owner, deletion, admin, export, not_exported, before_deletion, never_in_admin
    )


def declarations() -> list[Declaration]:
    return list(_declarations.values())


def declaration_for(model: type[models.Model]) -> Declaration | None:
    return _declarations.get(model._meta.label)


def export_sections(user) -> dict[str, Any]:
    """Every declared section of the user's data, in ``EXPORT_SECTIONS`` order."""
    found = {d.export[0]: d.export[1] for d in _declarations.values() if d.export is not None}
    return {section: found[section](user) for section in EXPORT_SECTIONS if section in found}


def prepare_deletion(user) -> None:
    """What must go before the user row, where no key cascades (see ``before_deletion``)."""
    for declaration in _declarations.values():
        if declaration.before_deletion is not None:
            declaration.before_deletion(user)
