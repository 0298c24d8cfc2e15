"""A council member opens the adopted programme as PDF from its public page in Chromium."""

import pytest

from tests.e2e.conftest import log_in
from tests.programmes.pdf_support import document_text, reader
from tests.storage_support import fresh_storage, stored_names

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_council_member_opens_the_programme_pdf(page, demo, settings, tmp_path):
    fresh_storage(settings, tmp_path)
    log_in(page, "ale-fortroendevald")
    page.goto("/ale/program/trygghet-och-sakerhet/")
    with page.expect_response(lambda response: response.url.endswith("/pdf/")) as answer:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''Program%20f%C3%B6r%20trygghet" in disposition
    # Chromium hands the navigation to its PDF viewer; fetch the same bytes in the same session.
    data = page.request.get(response.url).body()
    assert reader(data).trailer["/Root"]["/Lang"] == "sv"
    assert "Ansvar och omfattning" in document_text(data)
    # Asking again (the browser sends its ETag or not) renders nothing new.
    assert len(stored_names("pdf")) == 1
    page.goto("/ale/program/trygghet-och-sakerhet/pdf/")
    assert len(stored_names("pdf")) == 1
