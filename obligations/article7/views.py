"""The Article 7 pages: the reports of a coalition with the reporting calendar, one report (cover,
forms A-J pre-filled, checks, comments), editing a form, submitting, and the PDF and .docx."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.sections import page_context
from coalitions.submissions import create_once
from config.form_views import form_response, submitted

from ..models import Obligation, ReportingCalendar, TransparencyForm, TransparencyReport
from ..selectors import transparency_reports_for
from . import files, services
from .catalogue import BY_LETTER
from .document import document_for
from .forms import (
    CalendarForm,
    CommentForm,
    ContactForm,
    LanguageForm,
    ReportStartForm,
    SectionForm,
    SubmitForm,
)
from .permissions import may_comment, may_draft


def _reader(request, slug):
    """The champion, the facilitator and the secretariat read drafts with the authority."""
    return perms.require_access(request.user, slug, perms.VIEW_RESTRICTED)


def _drafter(request, slug):
    return perms.require_access(request.user, slug, perms.MANAGE_OBLIGATIONS)


def _report(access, year: int) -> TransparencyReport:
    try:
        return TransparencyReport.objects.select_related("coalition").get(
            coalition=access.coalition, year=year
        )
    except TransparencyReport.DoesNotExist:
        raise Http404 from None


def _report_url(slug: str, year: int) -> str:
    return reverse("obligations:article7_report", args=[slug, year])


def _years_open(coalition, obligations: list[Obligation], today) -> list[int]:
    """Calendar years a new draft may cover: from the first entry into force to this year."""
    if not obligations:
        return []
    first = min(o.entry_into_force for o in obligations)
    taken = set(
        TransparencyReport.objects.filter(coalition=coalition).values_list("year", flat=True)
    )
    return [y for y in range(today.year, first.year - 1, -1) if y not in taken]


def _remind_days(coalition) -> int:
    calendar = ReportingCalendar.objects.filter(coalition=coalition).first()
    if calendar is None:
        return ReportingCalendar._meta.get_field("remind_days_before").default
    return calendar.remind_days_before


@login_required
def reports(request, slug):
    access = _reader(request, slug)
    today = timezone.localdate()
    obligations = list(Obligation.objects.filter(coalition=access.coalition))
    drafts = may_draft(access)
    years = _years_open(access.coalition, obligations, today) if drafts else []
    return render(
        request,
        "obligations/article7/report_list.html",
        page_context(
            access,
            "article7",
            reports=TransparencyReport.objects.filter(coalition=access.coalition),
            calendar=transparency_reports_for(obligations, today),
            remind_days=_remind_days(access.coalition),
            start_form=ReportStartForm(years=years, initial={"year": today.year - 1})
            if years
            else None,
            may_draft=drafts,
        ),
    )


@login_required
@require_POST
def report_start(request, slug):
    access = _drafter(request, slug)
    today = timezone.localdate()
    obligations = list(Obligation.objects.filter(coalition=access.coalition))
    form = ReportStartForm(request.POST, years=_years_open(access.coalition, obligations, today))
    done = create_once(
        request,
        form,
        create=lambda: services.report_create(
            coalition=access.coalition,
            year=form.cleaned_data["year"],
            actor=request.user,
            today=today,
        ),
        url_for=lambda report: _report_url(slug, report.year),
        notice=_("The draft was started from the coalition's validated figures."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/article7/report_start.html",
        page_context(access, "article7", form=form),
        status=400,
    )


@login_required
def calendar_edit(request, slug):
    access = _drafter(request, slug)
    form = CalendarForm(
        submitted(request), initial={"remind_days_before": _remind_days(access.coalition)}
    )
    done = form_response(
        request,
        form,
        save=lambda: services.calendar_save(
            coalition=access.coalition, actor=request.user, **form.cleaned_data
        ),
        then=reverse("obligations:article7", args=[slug]),
        notice=_("The reminder setting was saved."),
    )
    return done or render(
        request,
        "obligations/article7/calendar_form.html",
        page_context(access, "article7", form=form),
    )


@login_required
def report_detail(request, slug, year):
    access = _reader(request, slug)
    report = _report(access, year)
    return render(
        request,
        "obligations/article7/report_detail.html",
        page_context(
            access,
            "article7",
            report=report,
            doc=document_for(report, with_comments=True),
            may_draft=may_draft(access) and not report.is_submitted,
            may_comment=may_comment(access) and not report.is_submitted,
            comment_form=CommentForm(),
            language_form=LanguageForm(initial={"lang": translation.get_language()}),
        ),
    )


@login_required
def contact_edit(request, slug, year):
    access = _drafter(request, slug)
    report = _report(access, year)
    form = ContactForm(submitted(request), initial={"point_of_contact": report.point_of_contact})
    done = form_response(
        request,
        form,
        save=lambda: services.report_contact_save(
            report=report, actor=request.user, **form.cleaned_data
        ),
        then=_report_url(slug, year) + "#cover",
        notice=_("The cover page was saved."),
    )
    return done or render(
        request,
        "obligations/article7/contact_form.html",
        page_context(access, "article7", report=report, form=form),
    )


@login_required
def section_edit(request, slug, year, letter):
    access = _drafter(request, slug)
    report = _report(access, year)
    spec = BY_LETTER.get(letter)
    if spec is None:
        raise Http404
    section = TransparencyForm.objects.get(report=report, letter=letter)
    form = SectionForm(
        submitted(request),
        initial={
            "mark": section.mark or None,
            "unchanged_since": section.unchanged_since,
            "narrative": section.narrative,
        },
    )
    done = form_response(
        request,
        form,
        save=lambda: services.form_save(
            report=report, letter=letter, actor=request.user, **form.cleaned_data
        ),
        then=_report_url(slug, year) + f"#form-{letter}",
        notice=_("Form %(letter)s was saved.") % {"letter": letter},
    )
    if done:
        return done
    doc = document_for(report)
    return render(
        request,
        "obligations/article7/section_form.html",
        page_context(
            access,
            "article7",
            report=report,
            spec=spec,
            form_section=next(s for s in doc.sections if s.letter == letter),
            form=form,
        ),
    )


@login_required
@require_POST
def comment_add(request, slug, year):
    access = _reader(request, slug)
    if not may_comment(access):
        raise PermissionDenied
    report = _report(access, year)
    form = CommentForm(request.POST)
    done = create_once(
        request,
        form,
        create=lambda: services.comment_add(report=report, actor=request.user, **form.cleaned_data),
        url_for=lambda comment: (
            _report_url(slug, year) + (f"#form-{comment.letter}" if comment.letter else "#comments")
        ),
        notice=_("Your comment was added."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/article7/report_detail.html",
        page_context(
            access,
            "article7",
            report=report,
            doc=document_for(report, with_comments=True),
            may_draft=may_draft(access) and not report.is_submitted,
            may_comment=True,
            comment_form=form,
            language_form=LanguageForm(),
        ),
        status=400,
    )


@login_required
def report_submit(request, slug, year):
    access = _drafter(request, slug)
    report = _report(access, year)
    if report.is_submitted:
        raise Http404
    today = timezone.localdate()
    form = SubmitForm(submitted(request), initial={"submitted_on": today})
    done = form_response(
        request,
        form,
        save=lambda: services.report_submit(
            report=report, actor=request.user, today=today, **form.cleaned_data
        ),
        then=_report_url(slug, year),
        notice=_("The report was marked submitted and is now kept as sent."),
    )
    return done or render(
        request,
        "obligations/article7/report_submit.html",
        page_context(access, "article7", report=report, form=form, doc=document_for(report)),
    )


def _language(request) -> str:
    form = LanguageForm(request.GET)
    if form.is_valid() and form.cleaned_data["lang"]:
        return form.cleaned_data["lang"]
    return request.LANGUAGE_CODE


def _download(request, slug, year, *, render_file, content_type: str, extension: str):
    access = _reader(request, slug)
    report = _report(access, year)
    with translation.override(_language(request)):
        doc = document_for(report)
        content = render_file(doc)
        filename = f"{doc.filename_stem}-{translation.get_language()}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_pdf(request, slug, year):
    return _download(
        request, slug, year, render_file=files.report_pdf, content_type="application/pdf",
        extension="pdf",
    )  # fmt: skip


@login_required
def report_docx(request, slug, year):
    return _download(
        request, slug, year, render_file=files.report_docx, content_type=files.DOCX_TYPE,
        extension="docx",
    )  # fmt: skip
