"""Access matrix of the API: (METHOD, path in OpenAPI) -> Case.

Used by tests/test_access_api.py (runs each case) and tests/test_access_coverage.py.
"""

from tests.access_types import Case

CASES: dict[tuple[str, str], Case] = {}
