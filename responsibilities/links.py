"""Links to pages addressed by a municipality and a pk (a report's, an action's, a risk
entry's), from a URL pattern reversed once per process: scans link thousands of rows and
pages link one per row, and reverse() per row was a good part of their time. Any app may use
it; the names are looked up when first asked for."""

import functools

from django.urls import reverse

_SLUG, _PK = "municipalityslug", 987654321


@functools.cache
def url_template(name: str, **fixed: str) -> str:
    """The URL named `name` with "{slug}" and "{pk}" in place of its two arguments (and the
    `fixed` ones, such as an export's format, as given)."""
    url = reverse(name, kwargs={"municipality": _SLUG, "pk": _PK, **fixed})
    return url.replace(_SLUG, "{slug}", 1).replace(str(_PK), "{pk}", 1)


def page_url(slug: str, pk: int, name: str, **fixed: str) -> str:
    """reverse(name, kwargs={"municipality": slug, "pk": pk, **fixed}), without reversing
    each time."""
    return url_template(name, **fixed).format(slug=slug, pk=pk)
