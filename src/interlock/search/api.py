"""REST endpoints of the search app (mounted in interlock/api.py)."""

from ninja import Router

router = Router(tags=["search"])
