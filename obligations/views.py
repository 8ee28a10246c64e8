from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.forms import add_service_errors
from coalitions.models import Organisation

from . import pack as extension_pack_pdf
from . import services
from .csv_io import MAX_BYTES, CsvImportError, parse_progress_csv, progress_csv
from .forecast import METHOD
from .forms import (
    CURRENCY_CODES,
    CsvUploadForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    IndicatorForm,
    NeedForm,
    ObligationCreateForm,
    ObligationEditForm,
    OfferForm,
    OfferStatusForm,
    ProgressForm,
)
from .models import ExtensionRequest, Indicator, Obligation, ProgressEntry
from .permissions import may_delete_entry, may_download_pack, may_move_offer
from .selectors import (
    indicator_status,
    need_choices,
    needs_board,
    obligation_get,
    obligation_status_list,
    offer_get,
    progress_export_list,
    progress_list,
)


def _page(request, access, template, **context):
    return render(
        request,
        template,
        {"access": access, "coalition": access.coalition, "section": "obligations", **context},
    )


def _obligation(access, pk) -> Obligation:
    obligation = obligation_get(coalition=access.coalition, pk=pk)
    if obligation is None:
        raise Http404
    return obligation


# Dashboard and obligations -----------------------------------------------------------------------


@login_required
def dashboard(request, slug):
    access = perms.require_access(request.user, slug)
    statuses = obligation_status_list(coalition=access.coalition)
    return _page(
        request,
        access,
        "obligations/dashboard.html",
        statuses=statuses,
        method=METHOD,
        today=timezone.localdate(),
    )


@login_required
def obligation_new(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    form = ObligationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obligation = services.obligation_create(
                coalition=access.coalition, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The obligation was added."))
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(request, access, "obligations/obligation_form.html", form=form)


@login_required
def obligation_edit(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    initial = {
        f: getattr(obligation, f)
        for f in ObligationEditForm.base_fields
    }  # fmt: skip
    form = ObligationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.obligation_update(
                obligation=obligation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The obligation was saved."))
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(
        request, access, "obligations/obligation_form.html", form=form, obligation=obligation
    )


@login_required
def obligation_detail(request, slug, pk):
    access = perms.require_access(request.user, slug)
    obligation = _obligation(access, pk)
    today = timezone.localdate()
    indicators = [indicator_status(obligation, i, today) for i in obligation.indicators.all()]
    page = Paginator(progress_list(obligation=obligation), 25).get_page(request.GET.get("page"))
    return _page(
        request,
        access,
        "obligations/obligation_detail.html",
        obligation=obligation,
        indicators=indicators,
        extension_requests=list(obligation.extension_requests.all()),
        may_download_pack=may_download_pack(access),
        page=page,
        method=METHOD,
        today=today,
    )


# Extension requests ------------------------------------------------------------------------------


@login_required
def extension_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request_create(
                obligation=obligation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The extension request was recorded."))
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(
        request, access, "obligations/extension_form.html", form=form, obligation=obligation
    )


@login_required
def extension_decide(request, slug, pk, request_pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    extension = get_object_or_404(ExtensionRequest, pk=request_pk, obligation=obligation)
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request_decide(
                request=extension, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(
        request,
        access,
        "obligations/extension_form.html",
        form=form,
        obligation=obligation,
        extension=extension,
    )


# The extension-request pack (PDF) ----------------------------------------------------------------


@login_required
def extension_pack(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.VIEW)
    if not may_download_pack(access):
        raise PermissionDenied
    with translation.override(request.LANGUAGE_CODE):
        pack = extension_pack_pdf.pack_build(coalition=access.coalition, pk=pk)
        if pack is None:
            raise Http404
        pdf = extension_pack_pdf.render_pack_pdf(pack)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = extension_pack_pdf.pack_filename(pack)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# Indicators --------------------------------------------------------------------------------------


@login_required
def indicator_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    form = IndicatorForm(request.POST or None, initial={"target_date": obligation.current_deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(
                obligation=obligation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(
        request, access, "obligations/indicator_form.html", form=form, obligation=obligation
    )


@login_required
def indicator_edit(request, slug, pk, indicator_pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, obligation=obligation)
    form = IndicatorForm(
        request.POST or None,
        initial={f: getattr(indicator, f) for f in IndicatorForm.base_fields},
    )
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            services.indicator_update(indicator=indicator, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(
        request,
        access,
        "obligations/indicator_form.html",
        form=form,
        obligation=obligation,
        indicator=indicator,
    )


# Progress ----------------------------------------------------------------------------------------


def _reporting_organisation(access) -> Organisation:
    return access.membership.organisation


@login_required
def progress_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.REPORT_PROGRESS)
    obligation = _obligation(access, pk)
    indicators = Indicator.objects.filter(obligation=obligation).order_by("-is_headline", "kind")
    headline = next((i for i in obligation.indicators.all() if i.is_headline), None)
    form = ProgressForm(
        request.POST or None, indicators=indicators, initial={"indicator": headline}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report(
                actor=request.user,
                organisation=_reporting_organisation(access),
                validate=access.can(perms.VALIDATE_PROGRESS),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if access.can(perms.VALIDATE_PROGRESS):
                messages.success(request, _("The figure was recorded and counts in the forecast."))
            else:
                messages.success(
                    request,
                    _("The figure was recorded; it counts in the forecast once the national "
                      "authority validates it."),
                )  # fmt: skip
            return redirect("obligations:detail", slug=slug, pk=obligation.pk)
    return _page(
        request, access, "obligations/progress_form.html", form=form, obligation=obligation
    )


@login_required
@require_POST
def progress_validate(request, slug, entry_pk):
    access = perms.require_access(request.user, slug, perms.VALIDATE_PROGRESS)
    entry = get_object_or_404(
        ProgressEntry.objects.select_related("indicator"),
        pk=entry_pk,
        indicator__obligation__coalition=access.coalition,
    )
    services.progress_validate(entry=entry, actor=request.user)
    messages.success(request, _("The figure was validated."))
    return redirect("obligations:detail", slug=slug, pk=entry.indicator.obligation_id)


@login_required
def progress_delete(request, slug, entry_pk):
    access = perms.require_access(request.user, slug, perms.REPORT_PROGRESS)
    entry = get_object_or_404(
        ProgressEntry.objects.select_related("indicator__obligation", "reporting_organisation"),
        pk=entry_pk,
        indicator__obligation__coalition=access.coalition,
    )
    if not may_delete_entry(access, entry):
        raise PermissionDenied
    obligation_pk = entry.indicator.obligation_id
    if request.method == "POST":
        services.progress_delete(entry=entry, actor=request.user)
        messages.success(request, _("The figure was deleted."))
        return redirect("obligations:detail", slug=slug, pk=obligation_pk)
    return _page(request, access, "obligations/progress_confirm_delete.html", entry=entry)


@login_required
def progress_export(request, slug):
    access = perms.require_access(request.user, slug)
    body = progress_csv(progress_export_list(coalition=access.coalition))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"progress-{access.coalition.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def progress_import(request, slug):
    access = perms.require_access(request.user, slug, perms.REPORT_PROGRESS)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise CsvImportError(
                    [(None, _("The file is larger than 1 MB; split it into parts."))]
                )
            rows, read_errors = parse_progress_csv(upload.read())
            created = services.progress_import(
                coalition=access.coalition,
                rows=rows,
                read_errors=read_errors,
                organisation=_reporting_organisation(access),
                actor=request.user,
                validate=access.can(perms.VALIDATE_PROGRESS),
            )
        except CsvImportError as exc:
            row_errors = exc.errors
            form.add_error(None, _("Nothing was imported: correct the file and upload it again."))
        else:
            count = len(created)
            messages.success(
                request,
                ngettext("%(n)s figure was imported.", "%(n)s figures were imported.", count)
                % {"n": count},
            )
            return redirect("obligations:dashboard", slug=slug)
    return _page(
        request, access, "obligations/progress_import.html", form=form, row_errors=row_errors
    )


# Needs and offers --------------------------------------------------------------------------------


def _needs_page(request, access, template, **context):
    return render(
        request,
        template,
        {
            "access": access,
            "coalition": access.coalition,
            "section": "needs",
            "currency_codes": CURRENCY_CODES,
            **context,
        },
    )


@login_required
def needs(request, slug):
    access = perms.require_access(request.user, slug)
    board = needs_board(coalition=access.coalition)
    return _needs_page(request, access, "obligations/needs_board.html", board=board)


@login_required
def need_new(request, slug):
    access = perms.require_access(request.user, slug, perms.POST_NEEDS)
    form = NeedForm(
        request.POST or None,
        obligations=Obligation.objects.filter(coalition=access.coalition),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_create(
                coalition=access.coalition, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The need was posted."))
            return redirect("obligations:needs", slug=slug)
    return _needs_page(request, access, "obligations/need_form.html", form=form)


@login_required
def offer_new(request, slug):
    access = perms.require_access(request.user, slug, perms.POST_OFFERS)
    needs_qs = need_choices(coalition=access.coalition)
    initial = {}
    if request.GET.get("need", "").isdigit():
        need = needs_qs.filter(pk=request.GET["need"]).first()
        if need:
            initial = {
                "need": need,
                "currency": need.currency,
                "activity": need.activity,
                "period_start": need.period_start,
                "period_end": need.period_end,
            }
    form = OfferForm(request.POST or None, needs=needs_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_create(
                coalition=access.coalition,
                donor=access.membership.organisation,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The offer was posted."))
            return redirect("obligations:needs", slug=slug)
    return _needs_page(request, access, "obligations/offer_form.html", form=form)


@login_required
@require_POST
def offer_status(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.POST_OFFERS)
    offer = offer_get(coalition=access.coalition, pk=pk)
    if offer is None:
        raise Http404
    if not may_move_offer(access, offer):
        raise PermissionDenied
    form = OfferStatusForm(request.POST)
    if form.is_valid():
        try:
            services.offer_set_status(
                offer=offer, status=form.cleaned_data["status"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The offer's status was changed."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("obligations:needs", slug=slug)
