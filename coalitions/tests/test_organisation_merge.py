"""Site staff merge duplicate organisations in the admin: everything that names the others moves to
the one kept, in one transaction, or nothing moves when something stops it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import ActionPoint
from actions.tests.factories import make_action_point
from coalitions import permissions as perms
from coalitions.models import Coalition, HandOver, Invitation, Membership, Organisation, Role
from coalitions.selectors import organisation_merge_conflicts
from coalitions.services import invitation_create, organisation_create, organisation_merge
from coalitions.tests.factories import CoalitionFactory, UserFactory, add_member
from concerns.models import Concern
from concerns.tests.factories import raise_concern
from meetings.models import Participant
from meetings.tests.factories import make_meeting
from obligations.assistance.services import offer_create
from obligations.models import Offer, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation, report
from tests.fixtures import committed
from users.services import user_create

pytestmark = pytest.mark.django_db

NA = Role.NATIONAL_AUTHORITY
CHANGELIST = reverse("admin:coalitions_organisation_changelist")


@pytest.fixture
def staff():
    return user_create(email="staff@example.net", name="Staff", is_staff=True, actor=None)


def npa(name: str, country: str = "NO") -> Organisation:
    return organisation_create(
        name=name, kind=Organisation.Kind.OPERATOR, country=country, actor=None
    )


@pytest.fixture
def twins(coalition, members):
    """The organisation kept, two duplicates, and records naming each of them."""
    keep = npa("Norwegian People's Aid")
    twin = npa("NPA Norway")
    other_twin = npa("Norwegian Peoples Aid", country="")
    authority = members[NA]
    kept_person = add_member(coalition, Role.OPERATOR, organisation=keep)
    twin_person = add_member(coalition, Role.OPERATOR, organisation=twin)
    donor_person = add_member(coalition, Role.DONOR, organisation=other_twin)
    with committed():
        invitation_create(
            coalition=coalition,
            email="field.officer@example.net",
            role=Role.OPERATOR,
            organisation=twin,
            actor=authority,
        )
    make_action_point(coalition, owner=twin_person, actor=authority, title="Clear sector 4")
    indicator = make_indicator(make_obligation(coalition, actor=authority), actor=authority)
    report(
        indicator,
        start=date(2024, 1, 1),
        end=date(2024, 3, 31),
        value=100,
        organisation=keep,
        actor=kept_person,
    )
    report(
        indicator,
        start=date(2024, 4, 1),
        end=date(2024, 6, 30),
        value=200,
        organisation=twin,
        actor=twin_person,
    )
    offer_create(
        coalition=coalition,
        donor=other_twin,
        activity="Survey",
        amount=Decimal(1000),
        currency="EUR",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        actor=donor_person,
    )
    make_meeting(coalition, authority, title="Coordination")
    raise_concern(coalition, twin_person)
    # Elsewhere: a coalition whose champions are both, and one that lists a duplicate.
    both = CoalitionFactory()
    both.champions.set([keep, twin])
    listed = CoalitionFactory()
    listed.organisations.add(other_twin)
    return {
        "keep": keep,
        "duplicates": [twin, other_twin],
        "people": (kept_person, twin_person, donor_person),
        "both": both,
        "listed": listed,
    }


def names_any(organisations) -> dict[str, int]:
    ids = [o.pk for o in organisations]
    return {
        "memberships": Membership.objects.filter(organisation_id__in=ids).count(),
        "invitations": Invitation.objects.filter(organisation_id__in=ids).count(),
        "action points": ActionPoint.objects.filter(owner_organisation_id__in=ids).count(),
        "figures": ProgressEntry.objects.filter(reporting_organisation_id__in=ids).count(),
        "offers": Offer.objects.filter(donor_id__in=ids).count(),
        "participants": Participant.objects.filter(organisation_id__in=ids).count(),
        "concerns": Concern.objects.filter(raised_by_organisation_id__in=ids).count(),
        "champions": Coalition.champions.through.objects.filter(organisation_id__in=ids).count(),
        "listed": Coalition.organisations.through.objects.filter(organisation_id__in=ids).count(),
    }


def test_a_merge_moves_everything_to_the_one_kept_and_deletes_the_others(
    coalition, members, twins, staff
):
    keep, duplicates = twins["keep"], twins["duplicates"]
    before = names_any([keep, *duplicates])
    moved = organisation_merge(keep=keep, duplicates=duplicates, actor=staff)
    assert not Organisation.objects.filter(pk__in=[d.pk for d in duplicates]).exists()
    after = names_any([keep])
    # Every record now names the one kept; the coalition that had both as champions has it once.
    assert after == {**before, "champions": before["champions"] - 1}
    assert list(twins["both"].champions.all()) == [keep]
    assert list(twins["listed"].organisations.all()) == [keep]
    assert moved["memberships (organisation)"] == 2
    # Each person keeps their one membership, now for the organisation kept, and their rights.
    for person in twins["people"]:
        membership = Membership.objects.get(coalition=coalition, user=person)
        assert membership.organisation == keep
        assert perms.access_for(person, coalition).can(perms.VIEW)
    assert perms.permission_drift() == []
    # The audit trail: each moved record has a history row with the staff member and why.
    twin_membership = Membership.objects.get(user=twins["people"][1])
    latest = twin_membership.history.first()
    assert latest.history_user == staff and "merged" in latest.history_change_reason
    gone = Organisation.history.filter(id=duplicates[0].pk).first()
    assert gone.history_type == "-" and gone.history_user == staff


def test_the_same_person_in_two_coalitions_for_each_twin_keeps_both_memberships(staff):
    keep, twin = npa("Mines Advisory Group", "GB"), npa("MAG", "GB")
    person = UserFactory()
    first, second = CoalitionFactory(), CoalitionFactory()
    add_member(first, Role.OPERATOR, user=person, organisation=keep)
    add_member(second, Role.OPERATOR, user=person, organisation=twin)
    organisation_merge(keep=keep, duplicates=[twin], actor=staff)
    assert set(person.memberships.values_list("coalition_id", "organisation_id")) == {
        (first.pk, keep.pk),
        (second.pk, keep.pk),
    }


def test_the_authority_of_a_coalition_is_moved_too(staff):
    keep = organisation_create(name="LMAC", kind="state_authority", country="LB", actor=None)
    coalition = CoalitionFactory()
    twin = coalition.national_authority
    person = add_member(coalition, NA)
    organisation_merge(keep=keep, duplicates=[twin], actor=staff)
    coalition.refresh_from_db()
    assert coalition.national_authority == keep
    assert person.memberships.get().organisation == keep
    assert coalition.history.first().history_user == staff


def test_figures_for_the_same_period_from_both_stop_the_merge_and_nothing_moves(
    coalition, members, twins, staff
):
    keep, twin = twins["keep"], twins["duplicates"][0]
    indicator = coalition.obligations.get().indicators.get()
    report(
        indicator,
        start=date(2024, 1, 1),
        end=date(2024, 3, 31),
        value=999,
        organisation=twin,
        actor=twins["people"][1],
    )
    before = names_any([twin])
    with pytest.raises(ValidationError) as refused:
        organisation_merge(keep=keep, duplicates=[twin], actor=members[NA])
    assert "progress entries" in " ".join(refused.value.messages)
    assert Organisation.objects.filter(pk=twin.pk).exists()
    assert names_any([twin]) == before


def test_an_authority_and_a_champion_of_the_same_coalition_are_not_merged(coalition, staff):
    champion = npa("Norway", "NO")
    coalition.champions.add(champion)
    problems = organisation_merge_conflicts(
        keep=champion, duplicates=[coalition.national_authority]
    )
    assert problems and coalition.name in problems[0]
    with pytest.raises(ValidationError):
        organisation_merge(keep=champion, duplicates=[coalition.national_authority], actor=staff)
    coalition.refresh_from_db()
    assert coalition.national_authority != champion


def test_a_member_who_would_represent_the_authority_in_another_role_stops_the_merge(
    coalition, members, staff
):
    operator_org = members[Role.OPERATOR].memberships.get().organisation
    with pytest.raises(ValidationError) as refused:
        organisation_merge(
            keep=coalition.national_authority, duplicates=[operator_org], actor=staff
        )
    assert members[Role.OPERATOR].name in " ".join(refused.value.messages)
    assert members[Role.OPERATOR].memberships.get().organisation == operator_org


def test_merging_an_organisation_into_itself_alone_is_refused(coalition, staff):
    with pytest.raises(ValidationError):
        organisation_merge(
            keep=coalition.national_authority,
            duplicates=[coalition.national_authority],
            actor=staff,
        )


def test_a_hand_over_record_moves_too(coalition, members, staff):
    """Records of any app that name an organisation are found from the models."""
    twin = npa("Twin of the authority", "LB")
    HandOver.objects.create(
        coalition=coalition, organisation=twin, from_user=members[NA], to_user=members[NA]
    )
    organisation_merge(keep=coalition.national_authority, duplicates=[twin], actor=staff)
    assert HandOver.objects.get().organisation == coalition.national_authority


# The admin action ----------------------------------------------------------------------------------


def action(ids, **extra) -> dict:
    return {"action": "merge_organisations", "_selected_action": [str(i) for i in ids], **extra}


def test_staff_pick_the_one_to_keep_see_what_moves_and_merge(client, twins, staff):
    keep, duplicates = twins["keep"], twins["duplicates"]
    ids = [keep.pk, *(d.pk for d in duplicates)]
    client.force_login(staff)
    assert "merge_organisations" in client.get(CHANGELIST).content.decode()
    page = client.post(CHANGELIST, action(ids))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="keep"' in text and "NPA Norway" in text
    assert "memberships (organisation)" in text
    assert Organisation.objects.filter(pk__in=ids).count() == 3
    response = client.post(CHANGELIST, action(ids, keep=str(keep.pk), post="yes"))
    assert response.status_code == 302
    assert list(Organisation.objects.filter(pk__in=ids)) == [keep]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Merged into Norwegian People's Aid" in m for m in messages)


@pytest.mark.parametrize("keep", ["", "abc", "999999999", "OUTSIDE"])
def test_a_merge_without_a_kept_one_among_those_selected_changes_nothing(
    client, twins, staff, keep
):
    ids = [twins["keep"].pk, twins["duplicates"][0].pk]
    if keep == "OUTSIDE":
        keep = str(twins["duplicates"][1].pk)
    client.force_login(staff)
    response = client.post(CHANGELIST, action(ids, keep=keep, post="yes"))
    assert response.status_code == 200
    assert 'data-merge="errors"' in response.content.decode()
    assert Organisation.objects.filter(pk__in=[*ids, twins["duplicates"][1].pk]).count() == 3


def test_one_organisation_alone_is_not_merged(client, twins, staff):
    client.force_login(staff)
    response = client.post(CHANGELIST, action([twins["keep"].pk]), follow=True)
    assert "Select two organisations or more" in response.content.decode()


def test_a_refused_merge_shows_why_on_the_page(client, coalition, members, staff):
    operator_org = members[Role.OPERATOR].memberships.get().organisation
    ids = [coalition.national_authority.pk, operator_org.pk]
    client.force_login(staff)
    page = client.post(CHANGELIST, action(ids)).content.decode()
    assert 'data-merge="conflicts"' in page
    response = client.post(
        CHANGELIST, action(ids, keep=str(coalition.national_authority.pk), post="yes")
    )
    assert 'data-merge="errors"' in response.content.decode()
    assert Organisation.objects.filter(pk=operator_org.pk).exists()


def test_people_without_the_merge_permission_cannot_merge(client, twins, members):
    ids = [twins["keep"].pk, twins["duplicates"][0].pk]
    not_staff = members[NA]
    client.force_login(not_staff)
    response = client.post(CHANGELIST, action(ids, keep=str(ids[0]), post="yes"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    # Staff whose group does not carry the merge permission are not offered it.
    bare = UserFactory()
    bare.is_staff = True
    bare.save()
    client.force_login(bare)
    assert client.post(CHANGELIST, action(ids, keep=str(ids[0]), post="yes")).status_code == 403
    assert Organisation.objects.filter(pk__in=ids).count() == 2


def test_the_admin_refuses_a_twin_by_case_and_spacing(client, twins, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:coalitions_organisation_add"),
        {
            "name": "  norwegian   PEOPLE'S aid ",
            "short_name": "",
            "kind": "operator",
            "country": "NO",
        },
    )
    assert response.status_code == 200
    assert "Norwegian People&#x27;s Aid" in response.content.decode()
    assert Organisation.objects.filter(name__iexact="norwegian people's aid").count() == 1
