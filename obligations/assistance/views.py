"""The needs and offers board, posting a need or an offer, and moving an offer forward."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.pagination import paginate
from coalitions.sections import page_context
from coalitions.submissions import create_once
from config.form_views import chosen, submitted

from ..models import Obligation
from . import services
from .forms import CURRENCY_CODES, NeedForm, OfferForm, OfferStatusForm
from .permissions import may_move_offer
from .selectors import OFFERS_SHOWN_PER_NEED, need_choices, need_offers, needs_board, offer_get


@login_required
def needs(request, slug):
    access = perms.require_access(request.user, slug)
    focus = chosen(need_choices(coalition=access.coalition), request.GET.get("need"))
    board = needs_board(coalition=access.coalition, need=focus)
    needs_page, needs_query = paginate(request, board.needs, per_page=25, param="needs")
    offers_page, offers_query = paginate(
        request, board.freestanding_offers, per_page=25, param="offers"
    )
    focus_offers_page, focus_offers_query = (
        paginate(request, need_offers(need=focus), per_page=25, param="need_offers")
        if focus is not None
        else (None, "")
    )
    return render(
        request,
        "obligations/assistance/needs_board.html",
        page_context(
            access,
            "needs",
            currency_codes=CURRENCY_CODES,
            board=board,
            needs_page=needs_page,
            needs_query=needs_query,
            offers_page=offers_page,
            offers_query=offers_query,
            focus=focus,
            focus_offers_page=focus_offers_page,
            focus_offers_query=focus_offers_query,
            offers_shown_per_need=OFFERS_SHOWN_PER_NEED,
        ),
    )


@login_required
def need_new(request, slug):
    access = perms.require_access(request.user, slug, perms.POST_NEEDS)
    form = NeedForm(
        submitted(request),
        obligations=Obligation.objects.filter(coalition=access.coalition),
    )
    done = create_once(
        request,
        form,
        create=lambda: services.need_create(
            coalition=access.coalition, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda _need: reverse("obligations:needs", args=[slug]),
        notice=_("The need was posted."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/assistance/need_form.html",
        page_context(access, "needs", currency_codes=CURRENCY_CODES, form=form),
    )


@login_required
def offer_new(request, slug):
    access = perms.require_access(request.user, slug, perms.POST_OFFERS, organisations=True)
    # The offer is in the name of the person's organisation: someone who is not a member has none.
    donor = perms.require_membership(access).organisation
    needs_qs = need_choices(coalition=access.coalition)
    initial = {}
    need = chosen(needs_qs, request.GET.get("need"))
    if need:
        initial = {
            "need": need,
            "currency": need.currency,
            "activity": need.activity,
            "period_start": need.period_start,
            "period_end": need.period_end,
        }
    form = OfferForm(
        submitted(request), needs=needs_qs, coalition=access.coalition, initial=initial
    )
    done = create_once(
        request,
        form,
        create=lambda: services.offer_create(
            coalition=access.coalition, donor=donor, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda _offer: reverse("obligations:needs", args=[slug]),
        notice=_("The offer was posted."),
    )
    if done:
        return done
    return render(
        request,
        "obligations/assistance/offer_form.html",
        page_context(access, "needs", currency_codes=CURRENCY_CODES, form=form),
    )


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
