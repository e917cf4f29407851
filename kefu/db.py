"""Database helpers the ORM lacks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, migrations, models
from django.db.models import Field, Model
from django.utils import timezone

# Field classes whose Python value psycopg adapts as it is: no per-value preparation needed.
# Exact classes only: a subclass (an encrypted text field, say) prepares its own values.
_PLAIN = frozenset({
    models.CharField, models.TextField, models.BooleanField, models.DateTimeField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField, models.ForeignKey, models.BigAutoField,
})


def bulk_set(objects: Sequence[Model], fields: Sequence[str]) -> None:
    """Write `fields` of many rows in one statement. Django's bulk_update builds a CASE per
    field and row, which PostgreSQL plans slowly for thousands of rows; there one UPDATE
    joins the rows against unnest()ed arrays instead."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        type(objects[0])._default_manager.bulk_update(objects, fields, batch_size=500)
        return
    meta = type(objects[0])._meta
    pk = meta.pk
    assert pk is not None
    columns: list[Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, Field)
        columns.append(field)
    arrays = [[obj.pk for obj in objects]]
    for field in columns:
        if type(field) in _PLAIN:
            arrays.append([getattr(obj, field.attname) for obj in objects])
        else:
            arrays.append([field.get_db_prep_save(getattr(obj, field.attname), connection)
                           for obj in objects])
    types = [pk.db_type(connection), *(f.db_type(connection) for f in columns)]
    unnest = ", ".join(f"%s::{_array_type(t)}" for t in types)
    names = ["pk_", *(str(f.column) for f in columns)]
    assignments = ", ".join(f'"{f.column}" = u."{f.column}"' for f in columns)
    sql = (f'UPDATE "{meta.db_table}" AS t SET {assignments} '
           f'FROM unnest({unnest}) AS u({", ".join(chr(34) + n + chr(34) for n in names)}) '
           f'WHERE t."{pk.column}" = u."pk_"')
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _array_type(db_type: str | None) -> str:
    base = (db_type or "text").split("(")[0].strip()
    if base == "bigserial":
        base = "bigint"
    elif base == "serial":
        base = "integer"
    return f"{base}[]"


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows fast: COPY on PostgreSQL, executemany on SQLite."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        _copy(table, columns, ([_copy_value(v) for v in row] for row in rows))
    else:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               rows)
    return len(rows)


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as {attname: value} without building a model instance for each,
    which costs more than the row itself when there are thousands. A column a row leaves out
    takes its field's default, computed once per call (the current time for auto_now).
    Values are prepared a column at a time: a plain column costs one lookup per row, and
    only the others (encrypted, JSON) go through their field."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns: list[list[Any]] = []
    for field in fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        default = now if stamped else field.get_default()
        values = [row.get(field.attname, default) for row in rows]
        if type(field) not in _PLAIN:
            values = [_copy_value(field.get_db_prep_save(v, connection)) for v in values]
        columns.append(values)
    _copy(f'"{model._meta.db_table}"', [f'"{f.column}"' for f in fields],
          zip(*columns, strict=True))


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_value(value: Any) -> Any:
    """COPY takes JSON as text; psycopg's Json/Jsonb wrappers are for query parameters."""
    if type(value).__name__ in ("Json", "Jsonb") and hasattr(value, "obj"):
        return json.dumps(value.obj, ensure_ascii=False, default=str)
    return value


def drop_indexes(*names: str) -> migrations.RunPython:
    """A migration step dropping indexes by name, without the table lock or the foreign key
    re-validation that AlterField(db_index=False) costs on a large table: CONCURRENTLY on
    PostgreSQL (the migration must say atomic = False), plainly on SQLite."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        for name in names:
            schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


def add_indexes(model_name: str, *indexes: models.Index) -> migrations.RunPython:
    """A migration step building indexes without blocking writes to a large table:
    CONCURRENTLY on PostgreSQL (the migration must say atomic = False), plainly on SQLite.
    Pair it with the AddIndex state operations of the same indexes."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_name)
        for index in indexes:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.add_index(model, index, concurrently=True)
            else:
                schema_editor.add_index(model, index)

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
