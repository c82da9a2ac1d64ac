"""The application's URLs plus a bare page: the same server, middleware, session, user,
roles and request transaction as every page, but no work of its own. The yardstick for the
pages of ``bench.pages``."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"<!doctype html><title>ok</title>ok", content_type="text/html")


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
