"""A heading in a PDF is kept on the page of the text it introduces, never left at the foot.
WeasyPrint's own user-agent stylesheet keeps headings with what follows too; the layout test
guards the behaviour (against an override in print.css or a WeasyPrint change), the last test
that print.css states the rule for every level itself."""

import pytest
import weasyprint

from programmes.pdf import stylesheet_path

WITHOUT_RULE = "h1, h2, h3, h4 { break-after: auto !important; page-break-after: auto !important; }"


def pages_of_heading_and_text(tag: str, spacer_mm: float, extra_css: str = "") -> tuple[int, int]:
    """Render a page with a spacer, then a heading and its paragraph; the pages they land on."""
    css = stylesheet_path().read_text(encoding="utf-8")
    html = (
        f"<html lang='sv'><body><div class='spacer'></div>"
        f"<{tag} id='heading'>Tillämpning</{tag}><p id='text'>{'Text om tillämpningen. ' * 20}</p>"
        f"</body></html>"
    )
    spacer = f".spacer {{ height: {spacer_mm}mm; margin: 0; }}"
    stylesheets = [weasyprint.CSS(string=css), weasyprint.CSS(string=spacer + extra_css)]
    document = weasyprint.HTML(string=html).render(stylesheets=stylesheets)
    anchors = [set(page.anchors) for page in document.pages]
    heading = next(i for i, names in enumerate(anchors) if "heading" in names)
    text = next(i for i, names in enumerate(anchors) if "text" in names)
    return heading, text


def spacer_leaving_heading_at_the_foot(tag: str) -> float:
    # Find a spacer height at which, without the rule, the heading would end page one and its
    # paragraph start page two (the page is 250 mm tall inside its margins).
    for tenths in range(2300, 2500, 15):
        if pages_of_heading_and_text(tag, tenths / 10, WITHOUT_RULE) == (0, 1):
            return tenths / 10
    pytest.fail("no spacer height leaves the heading at the foot of the page")


@pytest.mark.parametrize("tag", ["h1", "h2", "h3", "h4"])
def test_a_heading_goes_to_the_next_page_with_its_text(tag):
    heading, text = pages_of_heading_and_text(tag, spacer_leaving_heading_at_the_foot(tag))
    assert heading == text == 1


def test_the_print_stylesheet_keeps_every_heading_level_with_what_follows():
    css = stylesheet_path().read_text(encoding="utf-8")
    assert "h1, h2, h3, h4 {\n  break-after: avoid;\n  page-break-after: avoid;" in css
