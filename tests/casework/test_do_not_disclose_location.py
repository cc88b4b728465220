"""The case's own location is withheld from an agency a victim listed when it is her home (#19): the same address
row, or the same postcode and first line typed again. The case page, the API and the place page say "Withheld" or
leave the case out; an agency not on her list, and cases elsewhere, keep the location."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from casework import safety, services
from casework.models import LegalBasis, PartyRole
from tests.factories import CaseFactory

LINE1, POSTCODE, DESCRIPTION = "12 Refuge Lane", "NW9 7ZZ", "Blue gate beside the launderette"


def _case_at(officer, ward, address, *, agencies, victim=None):
    case = CaseFactory(by=officer, ward=ward, address=address, location_description=DESCRIPTION)
    party = None
    if victim is not None:
        party = services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=victim)
    for agency in agencies:
        services.share_case(case=case, agency=agency, legal_basis=LegalBasis.CDA_S115, purpose="Joint", by=officer)
    return case, party


@pytest.fixture
def alice(officer, ward):
    home = services.create_address(by=officer, line1=LINE1, postcode=POSTCODE, ward=ward)
    return services.create_person(by=officer, first_name="Alice", last_name="Hidden", address=home)


@pytest.fixture
def at_home(officer, ward, alice, barnet_homes, police):
    """A case at Alice's home (her own address row), shared with Barnet Homes (listed) and the police (not)."""
    case, party = _case_at(officer, ward, alice.address, agencies=[barnet_homes, police], victim=alice)
    safety.add_do_not_disclose(party=party, by=officer, reason="Fled", withheld_from_agency=barnet_homes)
    return case


def _summary(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("casework:case_detail", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_listed_agency_sees_withheld_for_the_location_on_the_case_page_and_api(client, at_home, housing_user):
    page = _summary(client, housing_user, at_home)
    assert "Withheld" in page and "Do not disclose" in page
    assert LINE1 not in page and DESCRIPTION not in page and "/places/" not in page
    api = client.get(f"/api/v1/cases/{at_home.reference}/").json()
    assert api["address"] == api["location_description"] == "Withheld" and api["location_withheld"] is True
    logged = AccessLog.objects.filter(object_type="withheld_details", user=housing_user, case_id=at_home.pk)
    assert logged.filter(object_label="case location").exists()


@pytest.mark.django_db
def test_the_place_page_leaves_out_a_case_at_her_home(client, at_home, housing_user, police_user):
    url = reverse("people:place_detail", args=[POSTCODE.replace(" ", "")])
    client.force_login(housing_user)
    assert at_home.reference not in client.get(url).content.decode()
    client.force_login(police_user)
    assert at_home.reference in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_agency_not_on_her_list_sees_the_location(client, at_home, police_user):
    page = _summary(client, police_user, at_home)
    assert LINE1 in page and DESCRIPTION in page
    api = client.get(f"/api/v1/cases/{at_home.reference}/").json()
    assert api["location_withheld"] is False and LINE1 in api["address"]


@pytest.mark.django_db
def test_the_same_home_typed_again_is_withheld_too(client, officer, ward, alice, at_home, barnet_homes, housing_user):
    """Another address row for the same home ("12 refuge lane", "nw97zz"): the same postcode and first line."""
    again = services.create_address(by=officer, line1="12  refuge lane", postcode="nw97zz", ward=ward)
    case, _ = _case_at(officer, ward, again, agencies=[barnet_homes], victim=alice)
    page = _summary(client, housing_user, case)
    assert DESCRIPTION not in page and "12  refuge lane" not in page.lower()
    assert client.get(f"/api/v1/cases/{case.reference}/").json()["location_withheld"] is True


@pytest.mark.django_db
def test_a_location_elsewhere_or_without_her_on_the_case_is_shown(
    client, officer, ward, alice, at_home, barnet_homes, housing_user
):
    elsewhere = services.create_address(by=officer, line1="1 High Street", postcode="NW4 4BQ", ward=ward)
    case, _ = _case_at(officer, ward, elsewhere, agencies=[barnet_homes], victim=alice)
    assert "1 High Street" in _summary(client, housing_user, case)
    # her home, but she is not on this case (a later tenant's case): the location is not hers to withhold here
    other, _ = _case_at(officer, ward, alice.address, agencies=[barnet_homes])
    assert DESCRIPTION in _summary(client, housing_user, other)


@pytest.mark.django_db
def test_a_search_by_her_address_does_not_find_the_case_for_a_listed_agency(client, at_home, housing_user, police_user):
    """The hit alone would say where she lives: by postcode, first line or the location's words, nothing; by
    reference, the case (its location withheld). Another agency finds it by her address as before."""
    url = reverse("casework:case_list")
    client.force_login(housing_user)
    for text in (POSTCODE, POSTCODE.replace(" ", "").lower(), "Refuge Lane", "launderette"):
        assert at_home.reference not in client.get(url, {"q": text}).content.decode(), text
    assert at_home.reference in client.get(url, {"q": at_home.reference}).content.decode()
    client.force_login(police_user)
    assert at_home.reference in client.get(url, {"q": POSTCODE}).content.decode()
