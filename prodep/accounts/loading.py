"""What every signed-in request reads first, in plain SQL: its session row, and its user.

The ORM builds each query anew on every request: for a page that is otherwise cheap, compiling
the session lookup and the user-with-profiles join cost more than running them. Both queries
are fixed, so their SQL is built once per process from the models' own metadata (table and
column names, and the converters the ORM would apply to each value), and the rows are turned
into ordinary model instances with ``Model.from_db``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, models, router
from django.utils import timezone

# The user's one-to-one rows that every signed-in page reads (discreet mode, time zone, the
# therapist gate): loaded with the user, so no page asks for them again.
USER_RELATIONS = ("profile", "therapist_profile")


@dataclass(frozen=True)
class _Part:
    """One model's columns in the joined row."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    converters: tuple[tuple, ...]  # per column: the converters the ORM would apply
    start: int
    relation: str = ""  # the user's accessor for this row; "" for the user itself

    def instance(self, row: tuple, using: str, connection) -> models.Model | None:
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[0] is None and self.relation:
            return None  # no such row (a LEFT JOIN's empty side)
        for index, (converters, expression) in enumerate(self.converters):
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(using, self.attnames, values)


def _converters(field, connection) -> tuple:
    expression = field.get_col(field.model._meta.db_table)
    found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
    return (tuple(found), expression)


def _columns(model: type[models.Model], alias: str, quote) -> list[str]:
    return [f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields]


@cache
def _user_query(using: str) -> tuple[str, tuple[_Part, ...]]:
    """SELECT user, profile, therapist profile ... WHERE user.id = %s, and how to read a row."""
    connection = connections[using]
    quote = connection.ops.quote_name
    user_model = get_user_model()
    parts, columns, joins, start = [], [], [], 0
    models_with_alias = [(user_model, "u", "")] + [
        (user_model._meta.get_field(name).related_model, f"r{i}", name)
        for i, name in enumerate(USER_RELATIONS)
    ]
    for model, alias, relation in models_with_alias:
        fields = model._meta.concrete_fields
        converters = tuple(_converters(field, connection) for field in fields)
        attnames = tuple(field.attname for field in fields)
        parts.append(_Part(model, attnames, converters, start, relation))
        columns += _columns(model, alias, quote)
        start += len(fields)
        if relation:
            link = user_model._meta.get_field(relation).field  # the OneToOneField to the user
            joins.append(
                f"LEFT OUTER JOIN {quote(model._meta.db_table)} {alias} "
                f"ON {alias}.{quote(link.column)} = u.{quote(user_model._meta.pk.column)}"
            )
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(user_model._meta.db_table)} u "
        f"{' '.join(joins)} WHERE u.{quote(user_model._meta.pk.column)} = %s"
    )
    return sql, tuple(parts)


def load_user(user_id) -> models.Model | None:
    """The user with ``USER_RELATIONS`` attached (``None`` cached where a row is missing), as
    ``select_related(*USER_RELATIONS).get(pk=user_id)`` would give it; None if no such user."""
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(user_id)
    except Exception:  # a session holding something that is not an id: nobody
        return None
    using = router.db_for_read(user_model)
    connection = connections[using]
    sql, parts = _user_query(using)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    user = parts[0].instance(row, using, connection)
    for part in parts[1:]:
        related = part.instance(row, using, connection)
        descriptor = getattr(user_model, part.relation)
        descriptor.related.set_cached_value(user, related)
        if related is not None:
            descriptor.related.field.set_cached_value(related, user)
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
