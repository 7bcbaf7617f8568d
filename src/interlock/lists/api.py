"""REST endpoints of the lists app (mounted in interlock/api.py)."""

from ninja import Router

router = Router(tags=["lists"])
