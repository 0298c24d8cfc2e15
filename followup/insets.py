"""What apps above this one add to the follow-up's pages and PDFs (e.g. the risk picture).
Apps register providers in their AppConfig.ready(); this app may not import them.

Places and the keyword arguments their providers take:
- "report" (report=): a unit's yearly report, on its page and in its PDF;
- "cycle" (cycle=, committee=None): the dashboard and the consolidated PDF of a cycle.
A provider returns an Inset or None and runs a fixed number of queries however much data.
"""

from collections.abc import Callable
from dataclasses import dataclass

PLACES = ("report", "cycle")


@dataclass(frozen=True)
class Inset:
    """A block rendered into a page (`template`) and a PDF (`pdf_template`) with `data`."""

    template: str
    pdf_template: str
    data: object
    order: int = 50


_providers: dict[str, list[Callable]] = {place: [] for place in PLACES}


def register(place: str, provider: Callable) -> Callable:
    if provider not in _providers[place]:
        _providers[place].append(provider)
    return provider


def insets_for(place: str, **context) -> list[Inset]:
    found = [inset for provider in _providers[place] if (inset := provider(**context))]
    return sorted(found, key=lambda inset: inset.order)
