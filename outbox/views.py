from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from .forms import RecipientFilterForm
from .models import OutboxMessage


@staff_member_required
def message_list(request):
    messages = OutboxMessage.objects.defer("raw")
    form = RecipientFilterForm(request.GET)
    query = form.cleaned_data["to"] if form.is_valid() else ""
    if query:
        messages = messages.filter(to__icontains=query)
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    return render(request, "outbox/message_list.html", {"page": page, "query": query})


@staff_member_required
def message_detail(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "outbox/message_detail.html", {"message": message})


@staff_member_required
def message_html(request, pk):
    """The HTML part alone, shown in a sandboxed frame so a mail's markup cannot touch the page."""
    message = get_object_or_404(OutboxMessage, pk=pk)
    response = HttpResponse(message.html_body())
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@staff_member_required
def message_attachment(request, pk, index):
    message = get_object_or_404(OutboxMessage, pk=pk)
    attachments = message.attachments()
    if not 0 <= index < len(attachments):
        raise Http404
    filename, content_type, payload = attachments[index]
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
