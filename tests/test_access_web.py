"""Every page in tests/access_web.py, for every role: allowed gets through, denied does not."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.access_types import Case
from tests.access_web import CASES

ALL = [
    (name, role, role in case.allowed)
    for name, case in sorted(CASES.items())
    for role in (*case.allowed, *case.denied)
]


def _request(client: Any, people: Any, name: str, case: Case) -> Any:
    kwargs = case.params(people) if case.params else {}
    path = case.path.format(**kwargs) if case.path else reverse(name, kwargs=kwargs or None)
    body = case.body(people) if callable(case.body) else case.body
    if case.method == "GET":
        return client.get(path, case.extra.get("query", {}))
    return client.generic(
        case.method,
        path,
        data=_encode(body or {}),
        content_type="application/x-www-form-urlencoded",
    )


def _encode(body: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(body)


@pytest.mark.parametrize(("name", "role", "allowed"), ALL, ids=[f"{n}-{r}" for n, r, _a in ALL])
def test_page_access(name: str, role: str, allowed: bool, people: Any, client_as: Any) -> None:
    case = CASES[name]
    response = _request(client_as(role), people, name, case)
    if allowed:
        assert response.status_code in case.ok_status, (name, role, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"] or name == "logout", response[
                "Location"
            ]
    elif role == "anon":
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == 403, (name, role, response.status_code)
