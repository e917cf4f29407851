"""The two databases' own full-text machinery behind one interface.

PostgreSQL: a generated `tsvector` column (words weighted A, characters D, `simple`
configuration, so no dictionary or plugin is involved) with a GIN index; a query is a
`tsquery` where each word is `word | c1 <-> c2 …` (the word, or its characters in a row).
SQLite: an FTS5 table over the text table kept by triggers; the same query in FTS5's
syntax, with column filters. Tokens are Chinese characters, Chinese words and Latin/digit
runs only (`segmenter`), so nothing in a rendered query needs escaping."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.operations import RunPython

from kefu.search.models import SearchText
from kefu.search.query import SearchQuery
from kefu.search.segmenter import is_chinese


def fts_table(table: str) -> str:
    return f"{table}_fts"


def _sqlite_create(table: str, key: str) -> list[str]:
    fts = fts_table(table)
    return [
        f"""CREATE VIRTUAL TABLE {fts} USING fts5(words, chars, content='{table}',
            content_rowid='{key}', tokenize='unicode61 remove_diacritics 0')""",
        f"""CREATE TRIGGER {table}_inserted AFTER INSERT ON {table} BEGIN
            INSERT INTO {fts}(rowid, words, chars) VALUES (new.{key}, new.words, new.chars);
            END""",
        f"""CREATE TRIGGER {table}_deleted AFTER DELETE ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, words, chars)
            VALUES ('delete', old.{key}, old.words, old.chars);
            END""",
        f"""CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, words, chars)
            VALUES ('delete', old.{key}, old.words, old.chars);
            INSERT INTO {fts}(rowid, words, chars) VALUES (new.{key}, new.words, new.chars);
            END""",
    ]


def _postgres_create(table: str) -> list[str]:
    return [
        f"""ALTER TABLE {table} ADD COLUMN vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, words), 'A')
            || setweight(to_tsvector('simple'::regconfig, chars), 'D')) STORED""",
        f"CREATE INDEX {table}_vector ON {table} USING gin (vector)",
        *_postgres_words(table),
    ]


def _postgres_words(table: str) -> list[str]:
    """The words alone, small and exact: what a query is tried with first (`words_only`),
    so the index answers it without reading the characters of every candidate row."""
    return [
        # IF NOT EXISTS: tables made after this existed have it from `create_index` already.
        f"""ALTER TABLE {table} ADD COLUMN IF NOT EXISTS words_vector tsvector GENERATED
            ALWAYS AS (to_tsvector('simple'::regconfig, words)) STORED""",
        f"CREATE INDEX IF NOT EXISTS {table}_words_vector ON {table} USING gin (words_vector)",
    ]


def create_index(connection: BaseDatabaseWrapper, table: str, key: str) -> None:
    """The index of a `SearchText` table whose primary key column is `key`."""
    statements = (_postgres_create(table) if connection.vendor == "postgresql"
                  else _sqlite_create(table, key))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_index(connection: BaseDatabaseWrapper, table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS words_vector")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN vector")
        else:
            for trigger in ("inserted", "deleted", "updated"):
                cursor.execute(f"DROP TRIGGER {table}_{trigger}")
            cursor.execute(f"DROP TABLE {fts_table(table)}")


def restore_sqlite_triggers(connection: BaseDatabaseWrapper, table: str, key: str) -> None:
    """SQLite alters a table by copying it to a new one, which loses its triggers: a
    migration that changes a text table calls this after, to put them back and rebuild the
    FTS5 table from the rows."""
    if connection.vendor != "sqlite":
        return
    fts = fts_table(table)
    with connection.cursor() as cursor:
        for trigger in ("inserted", "deleted", "updated"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
        for sql in _sqlite_create(table, key)[1:]:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def after_altering(table: str, key: str) -> RunPython:
    """The migration operation to follow a change of a text table's columns with."""
    return RunPython(lambda apps, editor: restore_sqlite_triggers(editor.connection, table, key),
                     RunPython.noop)


def words_index_operation(table: str) -> RunPython:
    """Add the words-only index to a text table made before it existed (PostgreSQL; SQLite's
    FTS5 table already searches its words column alone)."""
    def forwards(apps: Any, editor: Any) -> None:
        if editor.connection.vendor == "postgresql":
            with editor.connection.cursor() as cursor:
                for sql in _postgres_words(table):
                    cursor.execute(sql)

    def backwards(apps: Any, editor: Any) -> None:
        if editor.connection.vendor == "postgresql":
            with editor.connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS words_vector")

    return RunPython(forwards, backwards)


def index_operation(table: str, key: str) -> RunPython:
    """The migration operation that creates (and on the way back drops) the index."""
    return RunPython(lambda apps, editor: create_index(editor.connection, table, key),
                     lambda apps, editor: drop_index(editor.connection, table))


def tsquery(query: SearchQuery) -> str:
    """The query for `vector` (words and characters), or for `words_vector` when
    `words_only`."""
    terms = []
    for word in query.words:
        if not is_chinese(word):
            terms.append(f"{word}:*")
        elif len(word) == 1 or query.words_only:
            terms.append(word)
        else:
            terms.append(f"({word}:A | {' <-> '.join(f'{c}:D' for c in word)})")
    return (" | " if query.match_any else " & ").join(terms)


def fts5_query(query: SearchQuery) -> str:
    terms = []
    for word in query.words:
        if query.words_only:
            terms.append(f'words : "{word}"' + (" *" if not is_chinese(word) else ""))
        elif not is_chinese(word):
            terms.append(f'(words : "{word}" * OR chars : "{word}" *)')
        else:
            terms.append(f'(words : "{word}" OR chars : "{" ".join(word)}")')
    return (" OR " if query.match_any else " AND ").join(terms)


def vector_column(query: SearchQuery) -> str:
    return "words_vector" if query.words_only else "vector"


def joined(connection: BaseDatabaseWrapper, model: type[SearchText], query: SearchQuery,
           id_column: str) -> dict[str, Any]:
    """Arguments for `QuerySet.extra` that keep the rows whose id (`id_column`, qualified)
    has a matching document in `model`'s index, and select their `search_rank` (higher is
    better)."""
    table, key = _table(model)
    if connection.vendor == "postgresql":
        # Ranked on the whole vector whichever matched: words weigh more than characters.
        rank = tsquery(replace(query, words_only=False))
        return {
            "tables": [table],
            "where": [f"{table}.{key} = {id_column}",
                      f"{table}.{vector_column(query)} @@ to_tsquery('simple', %s)"],
            "params": [tsquery(query)],
            "select": {"search_rank": f"ts_rank({table}.vector, to_tsquery('simple', %s))"},
            "select_params": [rank],
        }
    fts = fts_table(table)
    return {
        "tables": [fts],
        "where": [f"{fts} MATCH %s", f"{fts}.rowid = {id_column}"],
        "params": [fts5_query(query)],
        "select": {"search_rank": f"-bm25({fts}, 10.0, 1.0)"},
        "select_params": [],
    }


def matching_ids(connection: BaseDatabaseWrapper, model: type[SearchText],
                 query: SearchQuery) -> tuple[str, list[Any]]:
    """A subquery of the keys of matching documents, for `pk__in=RawSQL(...)` filters."""
    table, key = _table(model)
    if connection.vendor == "postgresql":
        return (f"SELECT {key} FROM {table} "
                f"WHERE {vector_column(query)} @@ to_tsquery('simple', %s)", [tsquery(query)])
    fts = fts_table(table)
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [fts5_query(query)]


def _table(model: type[SearchText]) -> tuple[str, str]:
    pk = model._meta.pk
    assert pk is not None
    return model._meta.db_table, pk.column
