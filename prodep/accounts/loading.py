"""What every signed-in request reads first, in plain SQL: its session row, and its user.

The ORM builds each query anew on every request: for a page that is otherwise cheap, compiling
the session lookup and the user-with-profiles join cost more than running them. Both queries
are fixed, so their SQL is built once per process from the models' own metadata (table and
column names, and the converters the ORM would apply to each value), and the rows are turned
into ordinary model instances with ``Model.from_db``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from .models import User

# The user's one-to-one rows that every signed-in page reads (discreet mode, time zone, the
# therapist gate): loaded with the user, so no page asks for them again.
USER_RELATIONS = ("profile", "therapist_profile")


# Evaluated lazily: Django's Field is generic for the type checker only.
type Field = models.Field[Any, Any]
# A column's converters, called as converter(value, expression, connection), and its expression.
_Converters = tuple[tuple[Callable[..., Any], ...], Any]


@dataclass(frozen=True)
class _Part:
    """One model's columns in the joined row."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    converters: tuple[_Converters, ...]  # per column: what the ORM would apply to its value
    start: int
    # The one-to-one field from this row's model to the user; None for the user itself.
    link: models.OneToOneField[Any, Any] | None = None

    def instance(
        self, row: tuple[Any, ...], using: str, connection: BaseDatabaseWrapper
    ) -> models.Model | None:
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[0] is None and self.link is not None:
            return None  # no such row (a LEFT JOIN's empty side)
        for index, (converters, expression) in enumerate(self.converters):
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(using, self.attnames, values)


def _converters(field: Field, connection: BaseDatabaseWrapper) -> _Converters:
    expression = field.get_col(field.model._meta.db_table)
    found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
    return (tuple(found), expression)


def _column(field: Field) -> str:
    """A concrete field's column (the stubs allow None, which only non-concrete fields have)."""
    return cast(str, field.column)


def _primary_key() -> Field:
    return User._meta.pk


def _link_to_user(relation: str) -> models.OneToOneField[Any, Any]:
    """The one-to-one field on another model that ``user.<relation>`` follows back."""
    found = User._meta.get_field(relation)
    if not isinstance(found, models.OneToOneRel):  # pragma: no cover - a mistake in this module
        raise TypeError(f"User.{relation} is not a reverse one-to-one relation")
    return found.field


@cache
def _user_query(using: str) -> tuple[str, tuple[_Part, ...]]:
    """SELECT user, profile, therapist profile ... WHERE user.id = %s, and how to read a row."""
    connection = connections[using]
    quote = connection.ops.quote_name
    user_pk = f"u.{quote(_column(_primary_key()))}"
    parts: list[_Part] = []
    columns: list[str] = []
    joins: list[str] = []
    tables: list[tuple[type[models.Model], str, models.OneToOneField[Any, Any] | None]]
    tables = [(User, "u", None)]
    for i, relation in enumerate(USER_RELATIONS):
        link = _link_to_user(relation)
        alias = f"r{i}"
        tables.append((link.model, alias, link))
        joins.append(
            f"LEFT OUTER JOIN {quote(link.model._meta.db_table)} {alias} "
            f"ON {alias}.{quote(_column(link))} = {user_pk}"
        )
    for model, alias, link_or_none in tables:
        fields = model._meta.concrete_fields
        converters = tuple(_converters(field, connection) for field in fields)
        attnames = tuple(field.attname for field in fields)
        parts.append(_Part(model, attnames, converters, len(columns), link_or_none))
        columns += [f"{alias}.{quote(_column(field))}" for field in fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(User._meta.db_table)} u "
        f"{' '.join(joins)} WHERE {user_pk} = %s"
    )
    return sql, tuple(parts)


def load_user(user_id: object) -> User | None:
    """The user with ``USER_RELATIONS`` attached (``None`` cached where a row is missing), as
    ``select_related(*USER_RELATIONS).get(pk=user_id)`` would give it; None if no such user."""
    try:
        pk = _primary_key().to_python(user_id)
    except Exception:  # a session holding something that is not an id: nobody
        return None
    using = router.db_for_read(User)
    connection = connections[using]
    sql, parts = _user_query(using)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    user = cast(User, parts[0].instance(row, using, connection))
    for part in parts[1:]:
        assert part.link is not None  # every part after the user's is a joined relation
        related = part.instance(row, using, connection)
        part.link.remote_field.set_cached_value(user, related)  # user.<relation>, None too
        if related is not None:
            part.link.set_cached_value(related, user)  # <related>.user
    return user


@cache
def _session_query(using: str, table: str) -> str:
    quote = connections[using].ops.quote_name
    return (
        f"SELECT {quote('session_data')} FROM {quote(table)} "
        f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
    )


def load_session_data(model: type[models.Model], session_key: str) -> str | None:
    """The encoded data of an unexpired session, or None."""
    using = router.db_for_read(model)
    connection = connections[using]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_session_query(using, model._meta.db_table), [session_key, now])
        row = cursor.fetchone()
    return row[0] if row else None
