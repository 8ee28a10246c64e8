"""In a real Chromium: the national authority starts an Article 7 draft, writes a form's narrative
and downloads the PDF and the .docx; both carry the year's validated figure and the narrative."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations.tests.factories import make_indicator, make_obligation, report
from tests.test_obligations_browser import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_authority_drafts_edits_and_downloads_both_files(live_server, page, artifacts_dir):
    coalition = CoalitionFactory(name="Report Coalition")
    authority = add_member(coalition, Role.NATIONAL_AUTHORITY)
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2011, 5, 1))
    area = make_indicator(obligation, target=Decimal(9_000_000))
    year = date.today().year - 1
    report(area, start=date(year, 1, 1), end=date(year, 12, 31), value=432_100)

    sign_in(page, live_server, authority)
    page.goto(f"{live_server.url}/coalitions/{coalition.slug}/article7/")
    page.get_by_label("Calendar year to report on").select_option(str(year))
    page.get_by_role("button", name="Start a draft").click()
    page.get_by_text("The draft was started").wait_for()
    assert "432,100 m²" in page.content()

    page.get_by_role("link", name="Edit form F").click()
    page.get_by_role("radio", name="Changed", exact=True).check()
    page.get_by_label("Narrative").fill("Clearance teams worked in the south all year.")
    page.get_by_role("button", name="Save the form").click()
    page.get_by_text("Form F was saved.").wait_for()
    for width, name in ((1366, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts_dir / f"article7-draft-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1366, "height": 900})

    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    (artifacts_dir / "article7-draft.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "432,100 m²" in text and "Clearance teams worked in the south all year." in text

    with page.expect_download() as info:
        page.get_by_role("button", name="Download Word (.docx)").click()
    assert info.value.suggested_filename.endswith(".docx")
    document = docx.Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    words = " ".join(p.text for p in document.paragraphs) + " ".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "432,100 m²" in words and "Clearance teams worked in the south all year." in words
