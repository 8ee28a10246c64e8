"""Pages leave compressed at gzip's fastest level, with Django's BREACH mitigation kept."""

import gzip
import re

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from config.compression import FastGZipMiddleware, compress

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=20_000), st.integers(min_value=1, max_value=100))
def test_what_is_compressed_is_what_was_sent(content, random_bytes):
    assert gzip.decompress(compress(content, random_bytes)) == content


def test_each_response_differs_in_length_by_a_random_file_name():
    body = b"<p>the same page</p>" * 50
    lengths = {len(compress(body, 100)) for _ in range(40)}
    assert len(lengths) > 5


def middleware(response):
    return FastGZipMiddleware(lambda request: response)


def test_a_page_is_compressed_for_a_browser_that_takes_gzip():
    body = "<p>Land release figures</p>" * 100
    request = RequestFactory().get("/", **GZIP)
    response = middleware(HttpResponse(body))(request)
    assert response["Content-Encoding"] == "gzip"
    assert response["Vary"] == "Accept-Encoding"
    assert int(response["Content-Length"]) == len(response.content) < len(body) / 5
    assert gzip.decompress(response.content).decode() == body


def test_not_compressed_when_not_asked_for_short_or_already_encoded():
    long = "x" * 1000
    plain = middleware(HttpResponse(long))(RequestFactory().get("/"))
    assert not plain.has_header("Content-Encoding")
    assert plain["Vary"] == "Accept-Encoding"
    assert plain.content.decode() == long
    short = middleware(HttpResponse("tiny"))(RequestFactory().get("/", **GZIP))
    assert short.content == b"tiny"
    encoded = HttpResponse(b"already" * 100, headers={"Content-Encoding": "br"})
    assert middleware(encoded)(RequestFactory().get("/", **GZIP)).content == b"already" * 100


def test_a_strong_etag_becomes_weak():
    response = HttpResponse("a" * 1000, headers={"ETag": '"abc"'})
    response = middleware(response)(RequestFactory().get("/", **GZIP))
    assert response["ETag"] == 'W/"abc"'


def test_a_streamed_response_is_compressed_as_django_does():
    response = StreamingHttpResponse(iter([b"row,1\n"] * 500))
    response = middleware(response)(RequestFactory().get("/", **GZIP))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)) == b"row,1\n" * 500


@pytest.mark.django_db
def test_a_signed_in_page_reads_the_same_compressed(client):
    from coalitions.models import Role
    from coalitions.tests.factories import CoalitionFactory, add_member

    coalition = CoalitionFactory()
    user = add_member(coalition, Role.NATIONAL_AUTHORITY)
    client.force_login(user)
    address = f"/coalitions/{coalition.slug}/action-points/"
    plain = client.get(address).content.decode()
    packed = client.get(address, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    unpacked = gzip.decompress(packed.content).decode()

    def without_tokens(html):
        # Each response masks the CSRF token afresh (in forms and in htmx's headers).
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)

    assert without_tokens(unpacked) == without_tokens(plain)
