import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from coalitions.tests.factories import UserFactory


@pytest.fixture
def mail(db, outbox_messages):
    message = EmailMultiAlternatives("Hello", "Plain body", "from@example.net", ["to@example.net"])
    message.attach_alternative("<p>HTML body</p>", "text/html")
    message.attach("notes.txt", b"attached", "text/plain")
    message.send()
    return outbox_messages.get()


@pytest.mark.django_db
def test_staff_read_the_outbox_with_text_html_and_attachments(client, mail):
    client.force_login(UserFactory(is_staff=True))
    assert "Hello" in client.get(reverse("outbox:list")).content.decode()
    page = client.get(reverse("outbox:detail", args=[mail.pk])).content.decode()
    assert "Plain body" in page and "notes.txt" in page
    html = client.get(reverse("outbox:html", args=[mail.pk]))
    assert "HTML body" in html.content.decode()
    assert "default-src 'none'" in html["Content-Security-Policy"]
    attachment = client.get(reverse("outbox:attachment", args=[mail.pk, 0]))
    assert attachment.content == b"attached"
    assert client.get(reverse("outbox:attachment", args=[mail.pk, 5])).status_code == 404


@pytest.mark.django_db
def test_outbox_is_closed_to_people_who_are_not_staff(client, mail):
    client.force_login(UserFactory())
    for url in (reverse("outbox:list"), reverse("outbox:detail", args=[mail.pk])):
        assert client.get(url).status_code == 302
    client.logout()
    assert client.get(reverse("outbox:list")).status_code == 302
