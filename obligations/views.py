from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.models import Organisation
from coalitions.sections import page_context
from coalitions.submissions import already_done, create_once, run_once
from config.csv_cells import xlsx_response
from config.form_views import add_service_errors, form_response, submitted, submitted_files

from . import pack as extension_pack_pdf
from . import services
from .csv_io import (
    MAX_BYTES,
    CsvImportError,
    parse_progress_csv,
    progress_csv,
    progress_headings,
    progress_rows,
)
from .forecast import METHOD
from .forms import (
    CsvUploadForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    IndicatorForm,
    ObligationCreateForm,
    ObligationEditForm,
    ProgressForm,
)
from .models import ExtensionRequest, Indicator, Obligation, ProgressEntry
from .permissions import may_delete_entry, may_download_pack
from .selectors import (
    indicator_status,
    obligation_get,
    progress_export_list,
    progress_list,
    transparency_reports_for,
)
from .status_cache import obligation_statuses


def _detail_url(slug: str, pk: int) -> str:
    return reverse("obligations:detail", args=[slug, pk])


def _obligation(access, pk) -> Obligation:
    obligation = obligation_get(coalition=access.coalition, pk=pk)
    if obligation is None:
        raise Http404
    return obligation


# Dashboard and obligations -----------------------------------------------------------------------


@login_required
def dashboard(request, slug):
    access = perms.require_access(request.user, slug)
    today = timezone.localdate()
    statuses = obligation_statuses(coalition=access.coalition, today=today)
    return render(
        request,
        "obligations/dashboard.html",
        page_context(
            access,
            "obligations",
            statuses=statuses,
            reports=transparency_reports_for([s.obligation for s in statuses], today),
            method=METHOD,
            today=today,
        ),
    )


@login_required
def obligation_new(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    form = ObligationCreateForm(submitted(request))
    done = create_once(
        request,
        form,
        create=lambda: services.obligation_create(
            coalition=access.coalition, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda obligation: _detail_url(slug, obligation.pk),
        notice=_("The obligation was added."),
    )
    if done:
        return done
    return render(
        request, "obligations/obligation_form.html", page_context(access, "obligations", form=form)
    )


@login_required
def obligation_edit(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    initial = {
        f: getattr(obligation, f)
        for f in ObligationEditForm.base_fields
    }  # fmt: skip
    form = ObligationEditForm(submitted(request), initial=initial)
    done = form_response(
        request,
        form,
        save=lambda: services.obligation_update(
            obligation=obligation, actor=request.user, **form.cleaned_data
        ),
        then=_detail_url(slug, obligation.pk),
        notice=_("The obligation was saved."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/obligation_form.html",
        page_context(access, "obligations", form=form, obligation=obligation),
    )


# Figures waiting for validation, listed at the top of the obligation page for those who validate.
WAITING_SHOWN = 10


@login_required
def obligation_detail(request, slug, pk):
    access = perms.require_access(request.user, slug)
    obligation = _obligation(access, pk)
    today = timezone.localdate()
    indicators = [indicator_status(obligation, i, today) for i in obligation.indicators.all()]
    shown = next(
        (
            row.indicator
            for row in indicators
            if str(row.indicator.pk) == request.GET.get("indicator")
        ),
        None,
    )
    figures = progress_list(obligation=obligation)
    if shown is not None:
        figures = figures.filter(indicator=shown)
    page = Paginator(figures, 25).get_page(request.GET.get("page"))
    waiting = (
        list(progress_list(obligation=obligation).filter(validated_at__isnull=True)[:WAITING_SHOWN])
        if access.can_validate_progress
        else []
    )
    return render(
        request,
        "obligations/obligation_detail.html",
        page_context(
            access,
            "obligations",
            obligation=obligation,
            indicators=indicators,
            extension_requests=list(obligation.extension_requests.all()),
            may_download_pack=may_download_pack(access),
            page=page,
            method=METHOD,
            today=today,
            headline=next((row for row in indicators if row.indicator.is_headline), None)
            or (indicators[0] if indicators else None),
            shown_indicator=shown,
            query_string=f"indicator={shown.pk}" if shown else "",
            waiting=waiting,
        ),
    )


# Extension requests ------------------------------------------------------------------------------


@login_required
def extension_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    form = ExtensionRequestForm(submitted(request))
    done = create_once(
        request,
        form,
        create=lambda: services.extension_request_create(
            obligation=obligation, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda _extension: _detail_url(slug, obligation.pk),
        notice=_("The extension request was recorded."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/extension_form.html",
        page_context(access, "obligations", form=form, obligation=obligation),
    )


@login_required
def extension_decide(request, slug, pk, request_pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    extension = get_object_or_404(ExtensionRequest, pk=request_pk, obligation=obligation)
    form = ExtensionDecisionForm(submitted(request))
    done = form_response(
        request,
        form,
        save=lambda: services.extension_request_decide(
            request=extension, actor=request.user, **form.cleaned_data
        ),
        then=_detail_url(slug, obligation.pk),
        notice=_("The decision was recorded."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/extension_form.html",
        page_context(
            access,
            "obligations",
            form=form,
            obligation=obligation,
            extension=extension,
        ),
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
    form = IndicatorForm(submitted(request), initial={"target_date": obligation.current_deadline})
    done = create_once(
        request,
        form,
        create=lambda: services.indicator_create(
            obligation=obligation, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda _indicator: _detail_url(slug, obligation.pk),
        notice=_("The indicator was added."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/indicator_form.html",
        page_context(access, "obligations", form=form, obligation=obligation),
    )


@login_required
def indicator_edit(request, slug, pk, indicator_pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)
    obligation = _obligation(access, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, obligation=obligation)
    form = IndicatorForm(
        submitted(request),
        initial={f: getattr(indicator, f) for f in IndicatorForm.base_fields},
        creates=False,
    )
    form.fields["kind"].disabled = True
    done = form_response(
        request,
        form,
        save=lambda: services.indicator_update(
            indicator=indicator,
            actor=request.user,
            **{k: v for k, v in form.cleaned_data.items() if k != "kind"},
        ),
        then=_detail_url(slug, obligation.pk),
        notice=_("The indicator was saved."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/indicator_form.html",
        page_context(
            access,
            "obligations",
            form=form,
            obligation=obligation,
            indicator=indicator,
        ),
    )


# Progress ----------------------------------------------------------------------------------------


def _reporting_organisation(access) -> Organisation:
    return perms.require_membership(access).organisation


@login_required
def progress_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.REPORT_PROGRESS, organisations=True)
    organisation = _reporting_organisation(access)
    obligation = _obligation(access, pk)
    indicators = Indicator.objects.filter(obligation=obligation).order_by("-is_headline", "kind")
    headline = next((i for i in obligation.indicators.all() if i.is_headline), None)
    form = ProgressForm(
        submitted(request),
        indicators=indicators,
        today=timezone.localdate(),
        initial={"indicator": headline},
    )
    if access.can(perms.VALIDATE_PROGRESS):
        notice = _("The figure was recorded and counts in the forecast.")
    else:
        notice = _("The figure was recorded; it counts in the forecast once the national "
                   "authority validates it.")  # fmt: skip
    done = create_once(
        request,
        form,
        create=lambda: services.progress_report(
            actor=request.user,
            organisation=organisation,
            validate=access.can(perms.VALIDATE_PROGRESS),
            **form.cleaned_data,
        ),
        url_for=lambda _entry: _detail_url(slug, obligation.pk),
        notice=notice,
    )
    if done:
        return done
    return render(
        request,
        "obligations/progress_form.html",
        page_context(
            access,
            "obligations",
            form=form,
            obligation=obligation,
            indicator_facts=form.indicator_facts,
            presets={
                value: [start.isoformat(), end.isoformat()]
                for value, (start, end) in form.presets.items()
            },
        ),
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
    return render(
        request,
        "obligations/progress_confirm_delete.html",
        page_context(access, "obligations", entry=entry),
    )


@login_required
def progress_export(request, slug):
    access = perms.require_access(request.user, slug)
    body = progress_csv(progress_export_list(coalition=access.coalition))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"progress-{access.coalition.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def progress_export_xlsx(request, slug):
    """The same rows as the CSV, as an Excel workbook."""
    access = perms.require_access(request.user, slug)
    return xlsx_response(
        filename=f"progress-{access.coalition.slug}-{timezone.localdate():%Y-%m-%d}.xlsx",
        sheet=_("Progress figures"),
        headings=progress_headings(),
        rows=progress_rows(progress_export_list(coalition=access.coalition)),
    )


@login_required
def progress_import(request, slug):
    access = perms.require_access(request.user, slug, perms.REPORT_PROGRESS, organisations=True)
    organisation = _reporting_organisation(access)
    form = CsvUploadForm(submitted(request), submitted_files(request))
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]

        def import_rows():
            if upload.size > MAX_BYTES:
                raise CsvImportError(
                    [(None, _("The file is larger than 1 MB; split it into parts."))]
                )
            rows, read_errors = parse_progress_csv(upload.read())
            return services.progress_import(
                coalition=access.coalition,
                rows=rows,
                read_errors=read_errors,
                organisation=organisation,
                actor=request.user,
                validate=access.can(perms.VALIDATE_PROGRESS),
            )

        try:
            outcome = run_once(
                form=form,
                user=request.user,
                create=import_rows,
                url_for=lambda _created: reverse("obligations:dashboard", args=[slug]),
            )
        except CsvImportError as exc:
            row_errors = exc.errors
            form.add_error(None, _("Nothing was imported: correct the file and upload it again."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if outcome.repeated:
                messages.info(request, already_done())
            else:
                count = len(outcome.created)
                messages.success(
                    request,
                    ngettext("%(n)s figure was imported.", "%(n)s figures were imported.", count)
                    % {"n": count},
                )
            return redirect(outcome.url)
    return render(
        request,
        "obligations/progress_import.html",
        page_context(access, "obligations", form=form, row_errors=row_errors),
    )
