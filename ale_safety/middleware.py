"""Swedish first: the language is the user's own choice, else the language cookie, else Swedish."""

import time

from django.conf import settings
from django.contrib.auth import logout
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
    """End a session at most SESSION_ABSOLUTE_TIMEOUT seconds after login, however active.
    (The idle timeout is SESSION_COOKIE_AGE, renewed on every request.)"""

    KEY = "_session_started_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(self.KEY, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
        return self.get_response(request)
