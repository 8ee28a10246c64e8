"""In a real Chromium: the national authority downloads the extension-request pack from the page."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations.tests.factories import make_indicator, make_obligation, report
from tests.test_obligations_browser import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_authority_downloads_the_pack_and_an_observer_sees_no_link(
    live_server, page, artifacts_dir
):
    coalition = CoalitionFactory(name="Pack Coalition")
    authority = add_member(coalition, Role.NATIONAL_AUTHORITY)
    observer = add_member(coalition, Role.OBSERVER)
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2018, 3, 1))
    area = make_indicator(obligation, target=Decimal(2_000_000))
    for year in (2022, 2023, 2024):
        report(area, start=date(year, 1, 1), end=date(year, 12, 31), value=150_000)

    sign_in(page, live_server, authority)
    page.goto(f"{live_server.url}/coalitions/{coalition.slug}/obligations/{obligation.pk}/")
    link = page.get_by_role("link", name="Download the extension-request pack (PDF)")
    assert link.is_visible()
    page.screenshot(path=str(artifacts_dir / "obligation-detail-pack-link.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith(f"extension-pack-{coalition.slug}-ccm-article-4-")
    data = Path(download.path()).read_bytes()
    (artifacts_dir / "extension-pack.pdf").write_bytes(data)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Extension-request pack" in text
    assert "450,000" in text

    page.context.clear_cookies()
    sign_in(page, live_server, observer)
    page.goto(f"{live_server.url}/coalitions/{coalition.slug}/obligations/{obligation.pk}/")
    assert page.get_by_role("link", name="Download the extension-request pack (PDF)").count() == 0
