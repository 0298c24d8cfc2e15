"""Links that apps above this one add to a signed-in person's programme page (e.g. "Report a
risk"). Providers are registered in an AppConfig.ready(); this app may not import them.

A provider takes (request, municipality) and returns [(label, url)] without queries of its own
(it decides from the request's Access, already loaded)."""

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(request, municipality) -> list[tuple[str, str]]:
    if not request.user.is_authenticated:
        return []
    return [link for provider in _providers for link in provider(request, municipality)]
