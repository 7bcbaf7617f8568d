"""The search index table and the SQL that fills it (one module for both databases).

One row per live account, contact, deal, complaint and idea. Its id encodes the
record: ``obj_id * STRIDE + code(kind)``, so a record is found, replaced or
removed by primary key (on SQLite the FTS5 rowid).

* SQLite: an FTS5 table ``search_entry(title, body, kind, obj_id, subtitle,
  exact)`` with the unicode61 tokenizer (diacritics removed) and prefix
  indexes for 2 and 3 characters.
* PostgreSQL: a plain table with a ``tsvector`` column (config ``simple``;
  text folded with ``unaccent`` when the extension exists, else with
  ``translate``) and a GIN index.

Rows are written by set-based ``INSERT … SELECT`` statements built from
:data:`SOURCES`; :func:`refresh` re-derives chosen records (used by the event
subscriber) and :func:`rebuild` refills everything. Both use the same SELECT,
so the incremental index equals a rebuilt one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

TABLE = "search_entry"
STRIDE = 8
CODES = {"account": 1, "contact": 2, "deal": 3, "complaint": 4, "idea": 5}
KINDS = tuple(CODES)
BODY_CHARS = 4000  # of long descriptions, enough to find them by

SQLITE_CREATE = f"""
CREATE VIRTUAL TABLE {TABLE} USING fts5(
    title, body,
    kind UNINDEXED, obj_id UNINDEXED, subtitle UNINDEXED, exact UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
)
"""
PG_INDEX = f"CREATE INDEX search_entry_document ON {TABLE} USING gin (document)"

# Accent folding without the unaccent extension (the common Latin letters).
_FROM = "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž"
_TO = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnooooooooorrsssuuuuuuuuuyyzzz"


def vendor() -> str:
    return str(connection.vendor)


def id_column() -> str:
    return "rowid" if vendor() == "sqlite" else "id"


_has_unaccent: bool | None = None


def has_unaccent() -> bool:
    """Whether PostgreSQL has the unaccent extension (asked once per process)."""
    global _has_unaccent
    if _has_unaccent is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
            _has_unaccent = cursor.fetchone() is not None
    return _has_unaccent


def pg_fold(expr: str) -> str:
    """SQL folding ``expr`` to lower case without accents (PostgreSQL)."""
    if has_unaccent():
        return f"unaccent(lower({expr}))"
    return f"translate(replace(lower({expr}), 'ß', 'ss'), '{_FROM}', '{_TO}')"


def _sep() -> str:
    return "char(31)" if vendor() == "sqlite" else "chr(31)"


def _text(expr: str) -> str:
    return f"COALESCE({expr}, '')"


def _join(sep: str, *exprs: str) -> str:
    """SQL joining the non-empty ``exprs`` with ``sep`` (a plain literal)."""
    parts = " || ".join(
        f"(CASE WHEN {_text(e)} = '' THEN '' ELSE '{sep}' || {e} END)" for e in exprs
    )
    return f"SUBSTR({parts}, {len(sep) + 1})"


def _exact(*exprs: str) -> str:
    """Keys an exact query is compared with: ``\\x1fkey\\x1fkey\\x1f``, lower case."""
    sep = _sep()
    return sep + "".join(f" || lower({_text(e)}) || {sep}" for e in exprs)


@dataclass(frozen=True)
class Source:
    """How one kind of record becomes index rows (SQL over its own table)."""

    kind: str
    table: str
    from_sql: str  # FROM … (alias ``t`` for the record itself)
    title: str
    subtitle: str
    body: Callable[[], str]
    exact: Callable[[], str]
    by_account: bool  # rows depend on the account's name


def _account_join() -> str:
    return "LEFT JOIN customers_account a ON a.id = t.account_id AND a.deleted_at IS NULL"


SOURCES: dict[str, Source] = {
    "account": Source(
        "account",
        "customers_account",
        "customers_account t",
        title="t.name",
        subtitle=_join(" · ", "t.industry", "t.domain"),
        body=lambda: _join(" ", "t.domain", "t.industry", "t.region", "t.state", "t.country"),
        exact=lambda: _exact("t.name", "t.domain"),
        by_account=False,
    ),
    "contact": Source(
        "contact",
        "customers_contact",
        f"customers_contact t {_account_join()}",
        title="TRIM(t.first_name || ' ' || t.last_name)",
        subtitle=_join(" · ", "t.title", "a.name", "t.email"),
        body=lambda: _join(" ", "t.email", "t.phone", "t.title", "a.name"),
        exact=lambda: _exact("TRIM(t.first_name || ' ' || t.last_name)", "t.last_name", "t.email"),
        by_account=True,
    ),
    "deal": Source(
        "deal",
        "sales_deal",
        f"sales_deal t {_account_join()}",
        title="t.title",
        subtitle=_text("a.name"),
        body=lambda: _text("a.name"),
        exact=lambda: _exact("t.title"),
        by_account=True,
    ),
    "complaint": Source(
        "complaint",
        "feedback_complaint",
        f"feedback_complaint t {_account_join()}",
        title="t.title",
        subtitle=_text("a.name"),
        body=lambda: _join(" ", f"SUBSTR(t.description, 1, {BODY_CHARS})", "a.name"),
        exact=lambda: _exact("t.title"),
        by_account=True,
    ),
    "idea": Source(
        "idea",
        "feedback_idea",
        "feedback_idea t",
        title="t.title",
        subtitle="''",
        body=lambda: f"SUBSTR(t.description, 1, {BODY_CHARS})",
        exact=lambda: _exact("t.title"),
        by_account=False,
    ),
}


def _select(source: Source, where: str = "") -> str:
    """SELECT id, kind, obj_id, title, subtitle, body, exact of the live records."""
    code = CODES[source.kind]
    return (
        f"SELECT t.id * {STRIDE} + {code} AS id, '{source.kind}' AS kind, t.id AS obj_id, "  # noqa: S608 - fixed identifiers; values are parameters
        f"{source.title} AS title, {source.subtitle} AS subtitle, "
        f"{source.body()} AS body, {source.exact()} AS exact "
        f"FROM {source.from_sql} WHERE t.deleted_at IS NULL{where}"
    )


def _insert(source: Source, where: str = "") -> str:
    select = _select(source, where)
    if vendor() == "sqlite":
        return (
            f"INSERT INTO {TABLE} (rowid, title, body, kind, obj_id, subtitle, exact) "  # noqa: S608 - fixed identifiers; values are parameters
            f"SELECT id, title, body, kind, obj_id, subtitle, exact FROM ({select}) s"
        )
    document = (
        f"setweight(to_tsvector('simple', {_pg_words('s.title')}), 'A') || "
        f"setweight(to_tsvector('simple', {_pg_words('s.body')}), 'D')"
    )
    return (
        f"INSERT INTO {TABLE} (id, kind, obj_id, title, subtitle, exact, document) "  # noqa: S608 - fixed identifiers; values are parameters
        f"SELECT s.id, s.kind, s.obj_id, s.title, s.subtitle, s.exact, {document} "
        f"FROM ({select}) s"
    )


def _pg_words(expr: str) -> str:
    # Punctuation becomes a space, so an e-mail or domain is indexed word by
    # word (the parser would otherwise keep "anna@kessler.de" as one token).
    return f"regexp_replace({pg_fold(expr)}, '[[:punct:]]+', ' ', 'g')"


def bump() -> None:
    """Advance the index generation (inside the writer's transaction)."""
    from interlock.search.models import IndexState

    if not IndexState.objects.filter(pk=1).update(generation=models.F("generation") + 1):
        IndexState.objects.get_or_create(pk=1, defaults={"generation": 1})


def generation() -> int:
    from interlock.search.models import IndexState

    found = IndexState.objects.filter(pk=1).values_list("generation", flat=True).first()
    return int(found or 0)


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(int(pk))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _delete_keys(cursor: Any, keys: list[int]) -> None:
    sql = f"DELETE FROM {TABLE} WHERE {id_column()} IN ({_marks(len(keys))})"  # noqa: S608
    cursor.execute(sql, keys)


def refresh(kind: str, ids: Iterable[int]) -> None:
    """Re-derive the rows of these records: live ones (re)appear, others vanish."""
    source = SOURCES[kind]
    code = CODES[kind]
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _chunks(ids):
            keys = [pk * STRIDE + code for pk in batch]
            _delete_keys(cursor, keys)
            cursor.execute(_insert(source, f" AND t.id IN ({_marks(len(batch))})"), batch)
        bump()


def refresh_by_account(account_ids: Iterable[int]) -> None:
    """Re-derive the rows that show these accounts' names (contacts, deals, complaints)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _chunks(account_ids):
            marks = _marks(len(batch))
            for source in SOURCES.values():
                if not source.by_account:
                    continue
                code = CODES[source.kind]
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE {id_column()} IN ("  # noqa: S608 - fixed identifiers; values are parameters
                    f"SELECT t.id * {STRIDE} + {code} FROM {source.table} t "
                    f"WHERE t.account_id IN ({marks}))",
                    batch,
                )
                cursor.execute(_insert(source, f" AND t.account_id IN ({marks})"), batch)
        bump()


def remove(kind: str, ids: Iterable[int]) -> None:
    code = CODES[kind]
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in _chunks(ids):
            keys = [pk * STRIDE + code for pk in batch]
            _delete_keys(cursor, keys)
        bump()


def rebuild(
    kinds: Sequence[str] = KINDS, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Refill the index in one transaction; returns rows per kind.

    All kinds: from scratch (table or GIN index recreated). Some kinds: only
    their rows are replaced, the others stay.
    """
    counts: dict[str, int] = {}
    if set(kinds) != set(KINDS):
        with transaction.atomic(), connection.cursor() as cursor:
            for kind in kinds:
                cursor.execute(f"DELETE FROM {TABLE} WHERE kind = %s", [kind])  # noqa: S608
                cursor.execute(_insert(SOURCES[kind]))
                counts[kind] = max(cursor.rowcount, 0)
                if progress is not None:
                    progress(kind, counts[kind])
            bump()
        return counts
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor() == "sqlite":
            # Dropping is much faster than deleting a million FTS rows one by one.
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(SQLITE_CREATE)
        else:
            # Fresh statistics first: after a bulk load without them the planner
            # joins contacts to accounts with nested seq scans (hours, not seconds).
            tables = ", ".join(sorted({s.table for s in SOURCES.values()}))
            cursor.execute(f"ANALYZE {tables}")
            cursor.execute(f"TRUNCATE {TABLE}")
            cursor.execute("DROP INDEX IF EXISTS search_entry_document")
        for kind in kinds:
            cursor.execute(_insert(SOURCES[kind]))
            counts[kind] = max(cursor.rowcount, 0)
            if progress is not None:
                progress(kind, counts[kind])
        if vendor() == "sqlite":
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")  # noqa: S608 - fixed identifiers; values are parameters
        else:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(PG_INDEX)
            cursor.execute(f"ANALYZE {TABLE}")
        bump()
    return counts


def rows() -> list[tuple[Any, ...]]:
    """Every row, comparable across rebuilds (for tests and checks)."""
    with connection.cursor() as cursor:
        if vendor() == "sqlite":
            cursor.execute(
                f"SELECT rowid, kind, obj_id, title, subtitle, body, exact FROM {TABLE} "  # noqa: S608 - fixed identifiers; values are parameters
                "ORDER BY rowid"
            )
        else:
            cursor.execute(
                f"SELECT id, kind, obj_id, title, subtitle, exact, document::text FROM {TABLE} "  # noqa: S608 - fixed identifiers; values are parameters
                "ORDER BY id"
            )
        return [tuple(r) for r in cursor.fetchall()]
