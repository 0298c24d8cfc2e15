"""Every page fits a phone: at 320 and 390 px wide no page scrolls sideways. Wide content
(tables) scrolls inside its own labelled region instead. Generated from the authorisation
matrix like the axe test, so a new page is measured as soon as it has its case."""

import pytest

from tests.authz import ANONYMOUS, PERSONAS
from tests.e2e.conftest import log_in
from tests.e2e.test_axe_everywhere import HTML, pages_for

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (320, 390)
# The page's own width, ignoring content that scrolls inside an element of its own.
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_scrolls_sideways_on_a_phone(new_page, demo, persona):
    page = new_page(width=WIDTHS[0])
    if persona != ANONYMOUS:
        log_in(page, persona)
    measured, too_wide = 0, []
    for case_id, url in pages_for(persona):
        probe = page.request.get(url)
        if not probe.headers.get("content-type", "").startswith(HTML):
            continue
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        page.goto(url)
        for width in WIDTHS:  # a resize lays the page out again; no second load needed
            page.set_viewport_size({"width": width, "height": 800})
            measured += 1
            actual = page.evaluate(PAGE_WIDTH)
            if actual > width:
                too_wide.append(f"{case_id} {url} at {width} px: {actual} px wide")
    assert measured, f"no HTML page measured as {persona}"
    assert not too_wide, "\n".join(too_wide)
