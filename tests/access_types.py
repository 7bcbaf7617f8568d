from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """Who may use one page or operation.

    ``path`` may hold ``{placeholders}`` that ``params(people)`` fills in;
    ``body`` is sent as JSON (API) or form data (pages) for unsafe methods.
    """

    allowed: tuple[str, ...]
    denied: tuple[str, ...]
    method: str = "GET"
    path: str | None = None
    params: Callable[[Any], dict[str, Any]] | None = None
    body: Callable[[Any], dict[str, Any]] | dict[str, Any] | None = None
    ok_status: tuple[int, ...] = (200, 201, 204, 302)
    extra: dict[str, Any] = field(default_factory=dict)
