"""The search index table: FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_CREATE = """
CREATE VIRTUAL TABLE search_entry USING fts5(
    title, body,
    kind UNINDEXED, obj_id UNINDEXED, subtitle UNINDEXED, exact UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
)
"""

PG_CREATE = [
    """
    CREATE TABLE search_entry (
        id bigint PRIMARY KEY,
        kind varchar(16) NOT NULL,
        obj_id bigint NOT NULL,
        title text NOT NULL,
        subtitle text NOT NULL,
        exact text NOT NULL,
        document tsvector NOT NULL
    )
    """,
    "CREATE INDEX search_entry_document ON search_entry USING gin (document)",
]


def create(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif conn.vendor == "postgresql":
        # unaccent is optional: without it (or the right to create it) folding
        # falls back to translate(); see interlock.search.index.
        try:
            with conn.cursor() as cursor:
                cursor.execute("SAVEPOINT search_unaccent")
                try:
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                    cursor.execute("RELEASE SAVEPOINT search_unaccent")
                except Exception:
                    cursor.execute("ROLLBACK TO SAVEPOINT search_unaccent")
        except Exception:  # noqa: S110 - the extension is a nicety
            pass
        for sql in PG_CREATE:
            schema_editor.execute(sql)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"search: unsupported database {conn.vendor}")


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS search_entry")


class Migration(migrations.Migration):
    # No foreign keys: the index only reads other apps' tables when it is filled.
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create, drop)]
