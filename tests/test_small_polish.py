"""Small things people see: the admin names the product, the account pages speak in sentence case
with buttons rather than bullets, and the demo's report names coalitions as they are written."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from coalitions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_names_the_product(client):
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/admin/").content.decode()
    assert "Country Coalitions: administration" in page
    assert "Django administration" not in page and "Site administration" not in page


def test_account_pages_are_in_sentence_case_with_buttons(client):
    client.force_login(UserFactory())
    email = client.get("/accounts/email/").content.decode()
    assert "E-mail addresses" in email and "Email Addresses" not in email
    assert "Make primary" in email
    factor = client.get("/accounts/2fa/").content.decode()
    assert "Two-factor authentication" in factor and "Two-Factor Authentication" not in factor
    assert not re.search(r"<li>\s*<a[^>]*>\s*Activate", factor)
    assert re.search(r'<a href="[^"]+"\s*class="button[^"]*"\s*>\s*Activate', factor)


def test_the_demo_report_names_coalitions_with_capitals():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Obligations and progress: Lebanon Country Coalition" in text
    assert " lebanon" not in text
