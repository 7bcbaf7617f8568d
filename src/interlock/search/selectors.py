"""Reading the search index: ranked hits across the customer record.

User input never reaches the full-text syntax as typed: the query is split
into words (letters and digits only), each word is passed as a quoted term
(a parameter, never spliced into SQL), all words must match, and the last one
also matches as a prefix (type-ahead) when it has two or more characters.
Results are answered from the index table alone (no join, no N+1).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from interlock.core import policy
from interlock.search import index
from interlock.search.index import KINDS, TABLE, pg_fold, vendor

_T = TypeVar("_T")

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_OFFSET = 1000
# Ranking is done among at most this many matches of a very common word, so a
# one-word query against a million contacts stays fast (documented trade-off).
RANK_WINDOW = 2000
# PostgreSQL, one-word queries: let the GIN scan sample a word that occurs in
# more rows than this instead of collecting every match (see docs/search.md).
FUZZY_LIMIT = 20000
COUNT_CAP = 1000
CACHE_SECONDS = 300

_WORD = re.compile(r"[^\W_]+")

KIND_RULE = {
    "account": "customer.view",
    "contact": "customer.view",
    "deal": "sales.view",
    "complaint": "feedback.view",
    "idea": "feedback.view",
}
KIND_URL = {
    "account": "customers:account",
    "contact": "customers:contact",
    "deal": "sales:deal",
    "complaint": "feedback:complaint",
    "idea": "feedback:idea",
}


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    subtitle: str
    url: str
    rank: float


def terms(query: str) -> list[str]:
    """The words of ``query`` the index can match (at most MAX_TERMS)."""
    return _WORD.findall(query[:MAX_QUERY_CHARS])[:MAX_TERMS]


def allowed_kinds(user: Any, kinds: Sequence[str] | None = None) -> list[str]:
    """The asked-for kinds (all if None) that ``user`` may view, in display order."""
    wanted = set(kinds) if kinds else set(KINDS)
    rules: dict[str, bool] = {}
    out = []
    for kind in KINDS:
        if kind not in wanted:
            continue
        rule = KIND_RULE[kind]
        if rule not in rules:
            rules[rule] = policy.can(user, rule)
        if rules[rule]:
            out.append(kind)
    return out


def _url(kind: str, pk: int, cache: dict[str, str]) -> str:
    if kind not in cache:
        cache[kind] = reverse(KIND_URL[kind], args=[987654321])
    return cache[kind].replace("987654321", str(pk))


def _match_sqlite(words: list[str]) -> str:
    parts = [f'"{w}"' for w in words]
    if len(words[-1]) >= 2:
        parts[-1] += "*"
    return " ".join(parts)


def _tsquery_pg(words: list[str]) -> tuple[str, list[str]]:
    parts = []
    for i, word in enumerate(words):
        prefix = " || ':*'" if i == len(words) - 1 and len(word) >= 2 else ""
        parts.append(f"to_tsquery('simple', quote_literal({pg_fold('%s')}){prefix})")
    return " && ".join(parts), list(words)


def _exact_key(query: str) -> str:
    return " ".join(query.split()).lower()


def _cached(parts: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, remembered until the index changes (keyed by its generation)."""
    raw = repr((index.generation(), *parts)).encode("utf-8", "surrogatepass")
    key = "search:" + hashlib.sha256(raw).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return cast(_T, found)


def _run(sql: str, params: list[Any], *, fuzzy: bool = False) -> list[tuple[Any, ...]]:
    """Run a search query; a query the engine cannot parse finds nothing."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if fuzzy and vendor() == "postgresql":
                cursor.execute(f"SET LOCAL gin_fuzzy_search_limit = {FUZZY_LIMIT}")
            cursor.execute(sql, params)
            rows = [tuple(r) for r in cursor.fetchall()]
            if fuzzy and vendor() == "postgresql":
                # SET LOCAL lasts to the end of an outer transaction: undo it.
                cursor.execute("SET LOCAL gin_fuzzy_search_limit = 0")
            return rows
    except DatabaseError:
        return []


def _kinds_sql(kinds: list[str]) -> tuple[str, list[str]]:
    if len(kinds) == len(KINDS):
        return "", []
    return f" AND kind IN ({', '.join(['%s'] * len(kinds))})", list(kinds)


def search(
    user: Any,
    query: str,
    kinds: Sequence[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """Ranked hits for ``query`` among the kinds ``user`` may view (best first)."""
    words = terms(query)
    allowed = allowed_kinds(user, kinds)
    if not words or not allowed or limit < 1 or offset > MAX_OFFSET:
        return []
    offset = max(0, offset)
    kind_sql, kind_params = _kinds_sql(allowed)
    exact = _exact_key(query)
    if vendor() == "sqlite":
        sql = (
            "SELECT kind, obj_id, title, subtitle, score FROM ("  # noqa: S608 - fixed identifiers; values are parameters
            "SELECT rowid AS id, kind, obj_id, title, subtitle, "
            "-bm25(search_entry, 10.0, 1.0) * "
            "(CASE WHEN instr(exact, char(31) || lower(%s) || char(31)) > 0 "
            "THEN 2.0 ELSE 1.0 END) AS score "
            f"FROM {TABLE} WHERE {TABLE} MATCH %s{kind_sql} LIMIT %s"
            ") s ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        params: list[Any] = [exact, _match_sqlite(words), *kind_params]
    else:
        tsquery, tparams = _tsquery_pg(words)
        sql = (
            "SELECT kind, obj_id, title, subtitle, score FROM ("  # noqa: S608 - fixed identifiers; values are parameters
            "SELECT e.id, e.kind, e.obj_id, e.title, e.subtitle, "
            "ts_rank(e.document, q.query) * "
            "(CASE WHEN position(chr(31) || lower(%s) || chr(31) in e.exact) > 0 "
            "THEN 2.0 ELSE 1.0 END) AS score "
            f"FROM {TABLE} e, (SELECT {tsquery} AS query) q "
            f"WHERE e.document @@ q.query{kind_sql} LIMIT %s"
            ") s ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        params = [exact, *tparams, *kind_params]
    params += [RANK_WINDOW, limit, offset]

    def compute() -> list[Hit]:
        urls: dict[str, str] = {}
        return [
            Hit(kind, int(pk), title, subtitle, _url(kind, int(pk), urls), round(float(score), 6))
            for kind, pk, title, subtitle, score in _run(sql, params, fuzzy=len(words) == 1)
        ]

    return _cached(("search", sql, tuple(params)), compute)


def counts(user: Any, query: str) -> dict[str, int]:
    """Hits per kind the user may view, each counted up to COUNT_CAP + 1."""
    words = terms(query)
    allowed = allowed_kinds(user)
    if not words:
        return {kind: 0 for kind in allowed}
    return _cached(("counts", tuple(words), tuple(allowed)), lambda: _counts(words, allowed))


def _counts(words: list[str], allowed: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind in allowed:
        if vendor() == "sqlite":
            sql = (
                f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} "  # noqa: S608 - fixed identifiers; values are parameters
                f"WHERE {TABLE} MATCH %s AND kind = %s LIMIT %s) s"
            )
            params: list[Any] = [_match_sqlite(words), kind, COUNT_CAP + 1]
        else:
            tsquery, tparams = _tsquery_pg(words)
            sql = (
                f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} e, (SELECT {tsquery} AS query) q "  # noqa: S608 - fixed identifiers; values are parameters
                "WHERE e.document @@ q.query AND e.kind = %s LIMIT %s) s"
            )
            params = [*tparams, kind, COUNT_CAP + 1]
        found = _run(sql, params)
        out[kind] = int(found[0][0]) if found else 0
    return out
