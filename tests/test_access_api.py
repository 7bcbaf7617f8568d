"""Runs the API access matrix: every operation, every role, allowed and denied."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.access_api import CASES
from tests.access_types import Case
from tests.conftest import ROLES

PARAMS = [
    pytest.param(key, role, verdict, id=f"{key[0]} {key[1]} as {role} {verdict}")
    for key, case in sorted(CASES.items())
    for verdict, roles in (("allowed", case.allowed), ("denied", case.denied))
    for role in roles
]


def _request(case: Case, key: tuple[str, str], people: Any, client: Any) -> Any:
    method, path = key
    url = case.path or path
    if case.params:
        url = url.format(**case.params(people))
    kwargs: dict[str, Any] = {}
    if method in {"POST", "PUT", "PATCH"}:
        body = case.body(people) if callable(case.body) else (case.body or {})
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return client.generic(method, url, **kwargs)


def test_every_case_names_every_role() -> None:
    for key, case in CASES.items():
        assert set(case.allowed) | set(case.denied) == set(ROLES), key
        assert not set(case.allowed) & set(case.denied), key


@pytest.mark.parametrize(("key", "role", "verdict"), PARAMS)
def test_api_access(
    key: tuple[str, str], role: str, verdict: str, people: Any, api_as: Any
) -> None:
    case = CASES[key]
    response = _request(case, key, people, api_as(role))
    if verdict == "allowed":
        assert response.status_code in case.ok_status, (response.status_code, response.content)
    else:
        expected = 401 if role == "anon" else 403
        assert response.status_code == expected, (response.status_code, response.content)
        assert response["Content-Type"] == "application/problem+json"
