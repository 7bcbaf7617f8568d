"""Writing the search index: rebuild everything, or bring chosen records up to date.

The index is a projection of the customer record (see index.py); these
functions are its only writers. The event subscriber (subscribers.py) keeps
it current; :func:`rebuild_index` refills it set-based, e.g. after a bulk
load with raw SQL (``interlock search rebuild``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from interlock.search import index


def rebuild_index(
    kinds: Sequence[str] = index.KINDS, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Refill the whole index (one INSERT … SELECT per kind); returns rows per kind.

    ``progress(kind, rows)`` is called after each kind.
    """
    unknown = set(kinds) - set(index.KINDS)
    if unknown:
        raise ValueError(f"unknown kinds: {', '.join(sorted(unknown))}")
    return index.rebuild(tuple(kinds), progress)


def reindex(kind: str, ids: Iterable[int]) -> None:
    """Bring these records' rows up to date (trashed or deleted ones are removed)."""
    index.refresh(kind, ids)


def reindex_account_family(account_ids: Iterable[int]) -> None:
    """The accounts and everything indexed under their names (contacts, deals, complaints)."""
    ids = list(account_ids)
    index.refresh("account", ids)
    index.refresh_by_account(ids)
