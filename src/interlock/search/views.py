"""Pages of the search app (placeholder, replaced by the app's real pages)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def results(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
