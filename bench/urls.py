"""The real URLs plus /bench/bare/: a view that does nothing, served through the same stack."""

from django.http import HttpResponse
from django.urls import path

from ale_safety.urls import handler404  # noqa: F401
from ale_safety.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
