from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.form_views import form_response, submitted

from . import permissions as perms
from .forms import (
    CoalitionSettingsForm,
    CoalitionStartForm,
    HandOverForm,
    InvitationForm,
    MembershipRoleForm,
    OrganisationForm,
    OrganisationNewForm,
)
from .models import Invitation, Membership, Organisation, Role
from .pagination import paginate
from .sections import page_context, panels_for, today_panels_for
from .selectors import (
    HomeMembers,
    coalition_list_for_user,
    coalition_organisations,
    coalition_start_steps,
    hand_over_candidates,
    invitations_sent_pending,
    membership_list,
    organisation_twin,
    pending_invitation_list,
)
from .services import (
    SETTINGS_FIELDS,
    InvitationLinkError,
    NewOrganisation,
    WrongPersonError,
    coalition_archive,
    coalition_restore,
    coalition_start,
    coalition_update,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_resend,
    invitation_revoke,
    membership_change_role,
    membership_hand_over,
    membership_leave,
    membership_remove,
    organisation_add,
    organisation_list_in,
    organisation_update,
)
from .submissions import create_once
from .time_zones import zones_by_country

MEMBERS_ON_HOME = 30


@login_required
def today(request):
    """The page a signed-in person lands on: what needs them in every coalition they belong to,
    each item linking where it is handled, in a fixed number of queries."""
    accesses = perms.accesses_everywhere(request.user)
    invite_ids = perms.coalition_ids_with(accesses, perms.INVITE_MEMBERS)
    invitations = (
        invitations_sent_pending(user=request.user, coalition_ids=invite_ids) if invite_ids else []
    )
    return render(
        request,
        "coalitions/today.html",
        {
            "accesses": accesses,
            "panels": today_panels_for(request, accesses),
            "invitations": invitations,
            "invitations_total": invitations[0].total if invitations else 0,
            "may_invite": bool(invite_ids),
        },
    )


@login_required
def coalition_list(request):
    coalitions = list(coalition_list_for_user(user=request.user))
    for coalition in coalitions:
        coalition.my_role_label = Role(coalition.my_role).label if coalition.my_role else ""
    return render(request, "coalitions/coalition_list.html", {"coalitions": coalitions})


def _last_organisation(user) -> Organisation | None:
    """The organisation the person joined a coalition for last: the likely one again."""
    membership = (
        Membership.objects.filter(user=user).select_related("organisation").order_by("-joined_at")
    ).first()
    return membership.organisation if membership else None


def _start(data: dict, *, actor):
    """The start form's data to the service: the champion names the authority it awaits."""
    authority = None
    if data["role"] == Role.CHAMPION:
        authority = NewOrganisation(
            name=data["authority_name"],
            kind=Organisation.Kind.STATE_AUTHORITY,
            country=data["state_party"],
        )
    return coalition_start(
        name=data["name"],
        state_party=data["state_party"],
        role=data["role"],
        organisation=NewOrganisation(
            name=data["organisation_name"],
            kind=data["organisation_kind"],
            country=data["organisation_country"],
        ),
        national_authority=authority,
        cadence=data["cadence"],
        timezone_name=data["timezone"],
        under_apmbc=data["under_apmbc"],
        description=data["description"],
        actor=actor,
    )


@login_required
def coalition_new(request):
    """Any signed-in person starts a coalition, as its national authority or as a champion."""
    initial = {}
    known = _last_organisation(request.user) if request.method == "GET" else None
    if known is not None:
        initial = {
            "organisation_name": known.name,
            "organisation_kind": known.kind,
            "organisation_country": known.country.code if known.country else "",
        }
    form = CoalitionStartForm(submitted(request), initial=initial)
    done = create_once(
        request,
        form,
        create=lambda: _start(form.cleaned_data, actor=request.user),
        url_for=lambda coalition: reverse("coalitions:checklist", args=[coalition.slug]),
        notice=lambda coalition: (
            _("The coalition %(coalition)s was created.") % {"coalition": coalition}
        ),
    )
    if done:
        return done
    zones = {country: found[0] for country, found in zones_by_country().items()}
    return render(request, "coalitions/coalition_form.html", {"form": form, "zones": zones})


@login_required
def coalition_checklist(request, slug):
    """A new coalition's first steps, each with the link that does it when the person may."""
    access = perms.require_access(request.user, slug, organisations=True)
    coalition = access.coalition
    done = coalition_start_steps(coalition=coalition)
    given = perms.roles_given_by(access.role, coalition=coalition)
    steps = []
    for role, label in (
        (Role.NATIONAL_AUTHORITY, _("Invite the national authority")),
        (Role.CHAMPION, _("Invite the champion")),
        (Role.FACILITATOR, _("Invite a facilitator")),
    ):
        url = None
        if role in given and access.can(perms.INVITE_MEMBERS):
            url = reverse("coalitions:invitation_new", args=[slug]) + f"?role={role}"
        steps.append(
            {
                "key": role,
                "label": label,
                "done": done[f"{role}_joined"],
                "invited": done[f"{role}_invited"],
                "url": url,
            }
        )
    steps.append(
        {
            "key": "obligations",
            "label": _("Add the obligations"),
            "done": done["has_obligations"],
            "url": reverse("obligations:new", args=[slug])
            if access.can(perms.MANAGE_OBLIGATIONS) and not coalition.awaiting_national_authority
            else None,
        }
    )
    steps.append(
        {
            "key": "meeting",
            "label": _("Plan the first meeting"),
            "done": done["has_meetings"],
            "url": reverse("meetings:new", args=[slug])
            if access.can(perms.MANAGE_MEETINGS)
            else None,
        }
    )
    return render(
        request,
        "coalitions/coalition_checklist.html",
        page_context(access, "home", steps=steps),
    )


@login_required
def coalition_settings(request, slug):
    """The national authority's settings; an archived coalition offers only to be restored."""
    access = perms.require_access(request.user, slug, perms.MANAGE_COALITION)
    coalition = access.coalition
    initial = {field: getattr(coalition, field) for field in SETTINGS_FIELDS}
    initial["state_party"] = coalition.state_party.code
    form = CoalitionSettingsForm(submitted(request), initial=initial)
    done = form_response(
        request,
        form,
        save=lambda: coalition_update(coalition=coalition, actor=request.user, **form.cleaned_data),
        then=reverse("coalitions:settings", args=[slug]),
        notice=_("The coalition's settings were saved."),
    )
    if done:
        return done
    return render(
        request, "coalitions/coalition_settings.html", page_context(access, "settings", form=form)
    )


@login_required
def coalition_archive_view(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_COALITION)
    error = None
    if request.method == "POST":
        try:
            coalition_archive(coalition=access.coalition, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("The coalition was archived: it is read-only and sends nothing.")
            )
            return redirect("coalitions:settings", slug=slug)
    return render(
        request,
        "coalitions/coalition_confirm_archive.html",
        page_context(access, "settings", error=error),
    )


@login_required
@require_POST
def coalition_restore_view(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_COALITION)
    try:
        coalition_restore(coalition=access.coalition, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The coalition was restored."))
    return redirect("coalitions:settings", slug=slug)


@login_required
def coalition_detail(request, slug):
    access = perms.require_access(request.user, slug, organisations=True)
    coalition = access.coalition
    context = page_context(
        access,
        "home",
        # A summary: the first members by organisation; the members page lists them all.
        members=HomeMembers(coalition=coalition, first=MEMBERS_ON_HOME),
        home_panels=panels_for("coalition_home", request, access),
    )
    return render(request, "coalitions/coalition_detail.html", context)


@login_required
def member_list(request, slug):
    access = perms.require_access(request.user, slug)
    page = Paginator(membership_list(coalition=access.coalition), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "coalitions/membership_list.html",
        page_context(access, "members", page=page),
    )


@login_required
def member_edit(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEMBERS)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, coalition=access.coalition
    )
    form = MembershipRoleForm(submitted(request), instance=membership, editor_role=access.role)
    done = form_response(
        request,
        form,
        save=lambda: membership_change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            organisation=form.cleaned_data["organisation"],
            actor=request.user,
        ),
        then=reverse("coalitions:members", args=[slug]),
        notice=_("%(person)s's role was changed.") % {"person": membership.user},
    )
    if done:
        return done
    return render(
        request,
        "coalitions/membership_form.html",
        page_context(access, "members", membership=membership, form=form),
    )


@login_required
def member_remove(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEMBERS)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, coalition=access.coalition
    )
    error = None
    if request.method == "POST":
        try:
            membership_remove(membership=membership, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(person)s was removed from the coalition.") % {"person": membership.user},
            )
            return redirect("coalitions:members", slug=slug)
    return render(
        request,
        "coalitions/membership_confirm_delete.html",
        page_context(access, "members", membership=membership, error=error),
    )


@login_required
def membership_leave_view(request, slug):
    """A member leaves; the last member of the national authority is told to hand over first."""
    access = perms.require_access(request.user, slug, organisations=True)
    membership = perms.require_membership(access)
    error = None
    if request.method == "POST":
        try:
            membership_leave(membership=membership, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("You left %(coalition)s.") % {"coalition": access.coalition}
            )
            return redirect("coalitions:today")
    hand_over_url = None
    if access.role == Role.NATIONAL_AUTHORITY and access.can(perms.INVITE_MEMBERS):
        hand_over_url = (
            reverse("coalitions:invitation_new", args=[slug]) + f"?role={Role.NATIONAL_AUTHORITY}"
        )
    return render(
        request,
        "coalitions/membership_confirm_leave.html",
        page_context(
            access, "members", membership=membership, error=error, hand_over_url=hand_over_url
        ),
    )


@login_required
def membership_hand_over_view(request, slug):
    """The national authority hands its role to a colleague of its organisation and leaves."""
    access = perms.require_access(request.user, slug, perms.MANAGE_MEMBERS, organisations=True)
    membership = perms.require_membership(access)
    candidates = hand_over_candidates(membership=membership)
    form = HandOverForm(submitted(request), candidates=candidates)
    done = form_response(
        request,
        form,
        save=lambda: membership_hand_over(
            membership=membership, to_user=form.cleaned_data["colleague"], actor=request.user
        ),
        then=reverse("coalitions:today"),
        notice=lambda hand_over: (
            _("%(person)s is now the national authority in %(coalition)s; you left it.")
            % {"person": hand_over.to_user, "coalition": access.coalition}
        ),
        errors_on="colleague",
    )
    if done:
        return done
    return render(
        request,
        "coalitions/membership_hand_over.html",
        page_context(
            access,
            "members",
            membership=membership,
            form=form,
            has_candidates=candidates.exists(),
            invite_url=reverse("coalitions:invitation_new", args=[slug])
            + f"?role={Role.NATIONAL_AUTHORITY}",
        ),
    )


@login_required
def organisation_list(request, slug):
    access = perms.require_access(request.user, slug)
    organisations, query = paginate(
        request, coalition_organisations(coalition=access.coalition), per_page=50
    )
    return render(
        request,
        "coalitions/organisation_list.html",
        page_context(
            access,
            "organisations",
            organisations=organisations,
            page=organisations,
            query_string=query,
        ),
    )


def _add_organisation(access, data: dict, *, actor) -> Organisation:
    """A new organisation for the coalition; or, when the person confirms it, the one that
    exists already by that name and country."""
    if data["use_existing"]:
        known = organisation_twin(name=data["name"], country=data["country"])
        if known is not None:
            return organisation_list_in(coalition=access.coalition, organisation=known, actor=actor)
    return organisation_add(
        coalition=access.coalition,
        name=data["name"],
        short_name=data["short_name"],
        kind=data["kind"],
        country=data["country"],
        actor=actor,
    )


@login_required
def organisation_new(request, slug):
    """Those who invite add an organisation on its own, before anyone represents it; a twin by
    name and country is refused, naming the one that exists and offering to use it."""
    access = perms.require_access(request.user, slug, perms.INVITE_MEMBERS)
    form = OrganisationNewForm(submitted(request))
    done = create_once(
        request,
        form,
        create=lambda: _add_organisation(access, form.cleaned_data, actor=request.user),
        url_for=lambda _organisation: reverse("coalitions:organisations", args=[slug]),
        notice=lambda organisation: (
            _("%(organisation)s is among the coalition's organisations.")
            % {"organisation": organisation.name}
        ),
    )
    if done:
        return done
    existing = listed = None
    if form.is_bound and "name" in form.errors and not form.errors.get("country"):
        existing = organisation_twin(
            name=form.data.get("name", ""), country=form.data.get("country", "")
        )
        if existing is not None:
            listed = (
                coalition_organisations(coalition=access.coalition).filter(pk=existing.pk).exists()
            )
    return render(
        request,
        "coalitions/organisation_new.html",
        page_context(access, "organisations", form=form, existing=existing, listed=listed),
    )


@login_required
def organisation_edit(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_COALITION)
    organisation = get_object_or_404(coalition_organisations(coalition=access.coalition), pk=pk)
    initial = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "country": organisation.country.code if organisation.country else "",
    }
    form = OrganisationForm(submitted(request), initial=initial)
    done = form_response(
        request,
        form,
        save=lambda: organisation_update(
            organisation=organisation,
            coalition=access.coalition,
            actor=request.user,
            **form.cleaned_data,
        ),
        then=reverse("coalitions:organisations", args=[slug]),
        notice=_("The organisation was saved."),
    )
    if done:
        return done
    return render(
        request,
        "coalitions/organisation_form.html",
        page_context(access, "organisations", organisation=organisation, form=form),
    )


@login_required
def invitation_list(request, slug):
    access = perms.require_access(request.user, slug, perms.INVITE_MEMBERS)
    invitations, query = paginate(
        request, pending_invitation_list(coalition=access.coalition), per_page=50
    )
    return render(
        request,
        "coalitions/invitation_list.html",
        page_context(
            access, "invitations", invitations=invitations, page=invitations, query_string=query
        ),
    )


@login_required
def invitation_new(request, slug):
    access = perms.require_access(request.user, slug, perms.INVITE_MEMBERS)
    initial = {}
    suggested_role = request.GET.get("role", "")
    if suggested_role in perms.roles_given_by(access.role, coalition=access.coalition):
        initial["role"] = suggested_role
        if suggested_role == Role.NATIONAL_AUTHORITY:
            initial["organisation"] = access.coalition.national_authority
    form = InvitationForm(
        submitted(request),
        coalition=access.coalition,
        inviter_role=access.role,
        initial=initial,
    )
    done = create_once(
        request,
        form,
        create=lambda: invitation_create(
            coalition=access.coalition,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            organisation=form.cleaned_data["organisation"],
            new_organisation=_new_organisation(form.cleaned_data),
            message=form.cleaned_data["message"],
            actor=request.user,
        ),
        url_for=lambda _invitation: reverse("coalitions:invitations", args=[slug]),
        notice=lambda invitation: (
            _("An invitation was sent to %(email)s.") % {"email": invitation.email}
        ),
    )
    if done:
        return done
    return render(
        request, "coalitions/invitation_form.html", page_context(access, "invitations", form=form)
    )


def _new_organisation(data: dict) -> NewOrganisation | None:
    """The organisation the invitation form describes, when it names one not yet listed."""
    if not data["new_organisation_name"].strip():
        return None
    return NewOrganisation(
        name=data["new_organisation_name"],
        kind=data["new_organisation_kind"],
        country=data["new_organisation_country"],
    )


def _pending_invitation(access, pk) -> Invitation:
    return get_object_or_404(
        Invitation,
        pk=pk,
        coalition=access.coalition,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )


@login_required
@require_POST
def invitation_resend_view(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.INVITE_MEMBERS)
    invitation = invitation_resend(invitation=_pending_invitation(access, pk), actor=request.user)
    messages.success(
        request,
        _("A new link was sent to %(email)s; the old one no longer works.")
        % {"email": invitation.email},
    )
    return redirect("coalitions:invitations", slug=slug)


@login_required
def invitation_revoke_view(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.INVITE_MEMBERS)
    invitation = _pending_invitation(access, pk)
    if request.method == "POST":
        invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(
            request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
        )
        return redirect("coalitions:invitations", slug=slug)
    return render(
        request,
        "coalitions/invitation_confirm_revoke.html",
        page_context(access, "invitations", invitation=invitation),
    )


def join_on_sign_up(request, user) -> str | None:
    """Joining is one step: a person who signs up from an invitation link is in the coalition
    when the sign-up is done, without a second "accept" (the sign-up is the POST that accepts).
    Returns where they land, or None when the session holds no usable invitation of theirs."""
    token = request.session.get("pending_invitation")
    if not token:
        return None
    try:
        membership = invitation_accept(token=token, user=user)
    except (InvitationLinkError, WrongPersonError):
        return None
    request.session.pop("pending_invitation", None)
    messages.success(
        request,
        _("Welcome to %(coalition)s. You joined as %(role)s.")
        % {"coalition": membership.coalition, "role": membership.get_role_display()},
    )
    return reverse("coalitions:detail", args=[membership.coalition.slug])


def invitation_open(request, token):
    """The link in the mail. Works signed out (sign up or sign in first) and signed in."""
    try:
        invitation = invitation_from_token(token)
    except InvitationLinkError as exc:
        request.session.pop("pending_invitation", None)
        return render(
            request,
            "coalitions/invitation_unusable.html",
            {"reason": exc.reason, "invitation": exc.invitation},
            status=410 if exc.reason != "invalid" else 404,
        )
    if not request.user.is_authenticated:
        request.session["pending_invitation"] = token
        # The link proves the address: signing up with it needs no second verification mail.
        get_adapter(request).stash_verified_email(request, invitation.email)
        from django.contrib.auth import get_user_model

        has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
        return render(
            request,
            "coalitions/invitation_open.html",
            {"invitation": invitation, "token": token, "has_account": has_account},
        )
    wrong_person = request.user.email.lower() != invitation.email.lower()
    return render(
        request,
        "coalitions/invitation_open.html",
        {"invitation": invitation, "token": token, "wrong_person": wrong_person},
    )


@login_required
@require_POST
def invitation_accept_view(request, token):
    try:
        membership = invitation_accept(token=token, user=request.user)
    except InvitationLinkError as exc:
        return render(
            request,
            "coalitions/invitation_unusable.html",
            {"reason": exc.reason, "invitation": exc.invitation},
            status=410 if exc.reason != "invalid" else 404,
        )
    except WrongPersonError:
        return redirect("coalitions:invitation_open", token=token)
    request.session.pop("pending_invitation", None)
    messages.success(
        request,
        _("Welcome to %(coalition)s. You joined as %(role)s.")
        % {"coalition": membership.coalition, "role": membership.get_role_display()},
    )
    return redirect("coalitions:detail", slug=membership.coalition.slug)
