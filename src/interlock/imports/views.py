"""Pages of the imports app (placeholder, replaced by the app's real pages)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
