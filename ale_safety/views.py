"""Site-wide views: health check and error pages."""

from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from ale_safety.celery import app as celery_app


def _database_ok() -> bool:
    # Its own connection (the check runs in a thread), closed after.
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    finally:
        connection.close()


def _broker_ok() -> bool:
    url = celery_app.conf.broker_url or ""
    timeout = settings.HEALTHZ_TIMEOUT_SECONDS
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=None
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        conn.default_channel  # noqa: B018 - opening the channel proves the transport works
    return True


CHECKS = {"database": _database_ok, "broker": _broker_ok}
# Threads that outlive a hung check are not waited for (see healthz).
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


@never_cache
@require_safe
def healthz(request):
    """The state of each service, within HEALTHZ_TIMEOUT_SECONDS whatever is down: each check
    runs in a thread and one that has not answered in time counts as down."""
    futures = {name: _pool.submit(check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=settings.HEALTHZ_TIMEOUT_SECONDS)
    states = {}
    for name, future in futures.items():
        try:
            ok = future.done() and future.result() is True
        except Exception:  # noqa: BLE001 - any failure means "down" to the health check
            ok = False
        states[name] = "ok" if ok else "down"
    healthy = all(state == "ok" for state in states.values())
    body = {"status": "ok" if healthy else "error", **states}
    if not healthy:
        body["failing"] = [name for name, state in states.items() if state != "ok"]
    return JsonResponse(body, status=200 if healthy else 503)


@require_safe
def accessibility(request):
    return render(request, "site/accessibility.html")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """Our own page for a form whose CSRF check failed (no technical reason shown)."""
    return render(request, "403_csrf.html", status=403)


@csrf_exempt
@require_POST
def set_language(request):
    """Django's set_language, and for a logged-in person the choice is kept on their account.

    Only that saving needs the CSRF check: an anonymous visitor's choice is just the language
    cookie, so the public pages carry no CSRF token and set no cookie (a proxy can keep them)."""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    response = django_set_language(request)
    language = request.POST.get("language")
    supported = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and language in supported:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
