"""The application's URLs plus a bare view: the same server, middleware and database
transaction, but no work of its own. The yardstick for the rating endpoint."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"detail": "ok"}', status=201, content_type="application/json")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
