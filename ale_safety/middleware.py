"""Swedish first: the language is the user's own choice, else the language cookie, else Swedish."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


class LanguageMiddleware:
    """Replaces LocaleMiddleware: a browser's Accept-Language does not override Swedish."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features the service never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionLifetimeMiddleware:
    """Sessions end after SESSION_IDLE_TIMEOUT idle seconds and SESSION_ABSOLUTE_TIMEOUT
    seconds after login, however active. The idle timeout is the session's own expiry,
    renewed by touching the session at most once a minute (not a write on every request)."""

    STARTED = "_session_started_at"
    SEEN = "_session_seen_at"
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            if now - session.setdefault(self.STARTED, now) > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
            elif now - session.get(self.SEEN, 0) > self.TOUCH_EVERY:
                session[self.SEEN] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionLifetimeMiddleware.STARTED] = now
        request.session[SessionLifetimeMiddleware.SEEN] = now
