"""Access matrix of the pages: url name -> who is allowed, who is denied.

Used by tests/test_access_web.py (runs each case) and tests/test_access_coverage.py.
Roles: see tests/conftest.py ROLES. ``denied`` anon means redirect to login.
"""

from tests.access_types import Case

CASES: dict[str, Case] = {
    "dashboard": Case(allowed=("admin", "manager", "lead", "member", "marketer", "readonly"), denied=("anon",)),
    "healthz": Case(allowed=("anon", "admin", "readonly"), denied=()),
    "login": Case(allowed=("anon",), denied=()),
    "logout": Case(method="POST", allowed=("anon", "member"), denied=()),
}
