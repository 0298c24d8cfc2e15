"""What needs a person's attention, for their start page. Apps above this one register
providers (in their AppConfig.ready()), as with the calendar feed: this app may not import them.

A provider takes (user, access) and returns panels; it decides from `access` (already loaded)
whether it applies and then runs at most one query per panel, so the start page's query count
depends on the person's roles, never on how much data there is.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    """One block of the start page: a template that renders `items`."""

    template: str
    items: list = field(default_factory=list)
    order: int = 50


Provider = Callable[[object, object], Iterable[Panel]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(user, access) -> list[Panel]:
    found = [panel for provider in _providers for panel in provider(user, access)]
    return sorted(found, key=lambda p: p.order)
