"""REST endpoints of the imports app (mounted in interlock/api.py)."""

from ninja import Router

router = Router(tags=["imports"])
