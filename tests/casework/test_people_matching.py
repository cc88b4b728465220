"""Person matching (casework.people.propose_matches) and the add-party form that picks a match."""

from datetime import date

import pytest
from django.db import connection

from casework import people, services
from casework.models import Address, CaseParty, LegalBasis, PartyRole, Person
from casework.places import normalise_postcode
from tests.factories import CaseFactory


def _victim(case, officer, first, last, **details):
    person = services.create_person(by=officer, first_name=first, last_name=last, **details)
    services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=person)
    return person


@pytest.mark.parametrize(
    ("entered", "stored"),
    [("NW95XX", "NW9 5XX"), ("nw9 5xx", "NW9 5XX"), (" N1  9GU ", "N1 9GU"), ("EC1A1BB", "EC1A 1BB"), ("", "")],
)
def test_postcodes_are_saved_in_one_form(entered, stored):
    assert normalise_postcode(entered) == stored


@pytest.mark.django_db
def test_a_new_address_is_saved_with_its_postcode_normalised(officer, ward):
    address = services.create_address(by=officer, line1="1 High Street", postcode="nw95xx", ward=ward)
    assert Address.objects.get(pk=address.pk).postcode == "NW9 5XX"


@pytest.mark.django_db
def test_a_slightly_different_spelling_is_proposed_with_its_reasons(officer, ward):
    case = CaseFactory(by=officer, ward=ward)
    known = _victim(case, officer, "Maria", "Kowalska", date_of_birth=date(1980, 3, 27), phone="07700 900456")
    _victim(case, officer, "Tom", "Brown")
    matches = people.propose_matches(
        user=officer, first_name="Marie", last_name="Kowalski", date_of_birth=date(1980, 3, 27), phone="07700900456"
    )
    assert [m.person for m in matches] == [known]
    assert matches[0].reasons == ["similar name", "same date of birth", "same phone"]
    assert matches[0].cases == 1
    assert "on 1 case you can see" in matches[0].label


@pytest.mark.django_db
def test_merged_away_people_and_strangers_are_not_proposed(officer, ward):
    case = CaseFactory(by=officer, ward=ward)
    _victim(case, officer, "Maria", "Kowalska")
    services.create_person(by=officer, first_name="Maria", last_name="Kowalska")  # on no case: nobody sees them
    assert len(people.propose_matches(user=officer, first_name="Maria", last_name="Kowalska")) == 1
    assert people.propose_matches(user=officer, first_name="Zed", last_name="Quigley") == []


@pytest.mark.django_db
def test_a_partner_never_sees_proposals_from_cases_not_shared_with_it(officer, housing_user, ward, barnet_homes):
    unshared = CaseFactory(by=officer, ward=ward)
    _victim(unshared, officer, "Maria", "Kowalska")
    assert people.propose_matches(user=housing_user, first_name="Maria", last_name="Kowalska") == []
    services.share_case(
        case=unshared, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer
    )
    assert len(people.propose_matches(user=housing_user, first_name="Maria", last_name="Kowalska")) == 1


@pytest.mark.django_db
def test_an_anonymous_victim_is_proposed_to_the_lead_agency_only(shared_case, officer, housing_user):
    """The fixture's victim Maria Secretname is anonymous: Barnet Homes sees the case but not who she is."""
    assert people.propose_matches(user=housing_user, first_name="Maria", last_name="Secretname") == []
    assert len(people.propose_matches(user=officer, first_name="Maria", last_name="Secretname")) == 1


def _party_post(**extra):
    data = {
        "role": PartyRole.VICTIM,
        "first_name": "Marie",
        "last_name": "Kowalski",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1980",
    }
    return {**data, **extra}


@pytest.mark.django_db
def test_entering_a_known_victim_asks_then_links_the_person_picked(client, officer, ward):
    earlier = CaseFactory(by=officer, ward=ward)
    known = _victim(earlier, officer, "Maria", "Kowalska", date_of_birth=date(1980, 3, 27))
    case = CaseFactory(by=officer, ward=ward)
    client.force_login(officer)
    url = f"/cases/{case.reference}/parties/add/"
    asked = client.post(url, _party_post())
    assert asked.status_code == 200
    body = asked.content.decode()
    assert "Is this someone already known?" in body and "Maria Kowalska" in body and "same date of birth" in body
    assert "There is a problem" not in body
    assert not case.parties.exists()
    people_before = Person.objects.count()
    linked = client.post(url, _party_post(match=str(known.pk)))
    assert linked.status_code == 302
    assert case.parties.get().person == known
    assert Person.objects.count() == people_before


@pytest.mark.django_db
def test_none_of_these_records_a_new_person(client, officer, ward):
    earlier = CaseFactory(by=officer, ward=ward)
    known = _victim(earlier, officer, "Maria", "Kowalska")
    case = CaseFactory(by=officer, ward=ward)
    client.force_login(officer)
    response = client.post(f"/cases/{case.reference}/parties/add/", _party_post(match="new"))
    assert response.status_code == 302
    assert case.parties.get().person != known


@pytest.mark.django_db
def test_a_posted_id_that_was_not_proposed_links_nobody(client, officer, ward, police_user):
    """Someone the officer cannot see (on a police case) cannot be linked by posting their id."""
    police_case = CaseFactory(by=police_user, ward=ward)
    hidden = _victim(police_case, police_user, "Marie", "Kowalski")
    earlier = CaseFactory(by=officer, ward=ward)
    _victim(earlier, officer, "Maria", "Kowalska")
    case = CaseFactory(by=officer, ward=ward)
    client.force_login(officer)
    response = client.post(f"/cases/{case.reference}/parties/add/", _party_post(match=str(hidden.pk)))
    assert response.status_code == 200
    assert "Choose the person this is, or record a new person" in response.content.decode()
    assert not CaseParty.objects.filter(case=case).exists()


# --- the surname indexes at scale (migration 0017, docs/people-and-places.md "Figures") ----------------------

YABE = ["  y", " ya", "abe", "be ", "yab"]  # pg_trgm's trigrams of "yabe"


def test_a_short_surname_typed_asks_for_three_shared_trigrams_not_two():
    """Similarity 0.3 with a surname of 5 or more trigrams needs 3 of the 5 (3 / (5 + 5 - 3) = 0.43, 2 / 8 =
    0.25): the index is asked for the 10 sets of 3, not every surname starting "Ya"."""
    sets = people._shared_trigram_sets(YABE, 0.3)
    assert sets is not None and len(sets) == 10 and {len(s) for s in sets} == {3}
    assert people._tsquery(("  y", " ya", "abe")) == "'  y' & ' ya' & 'abe'"


def test_a_longer_surname_typed_keeps_the_plain_trigram_index():
    eight = ["  k", " ko", "kow", "owa", "wal", "als", "lsk", "ski"]
    assert people._shared_trigram_sets(eight, 0.3) is None  # 3 of 8 either way: nothing gained
    assert people._shared_trigram_sets(eight + ["ki ", "x"], 0.3) is None  # 210 sets of 4: slower than the index


def test_a_threshold_no_long_surname_can_reach_leaves_only_the_short_ones():
    assert people._shared_trigram_sets(["  l", " li", "li "], 0.9) == []


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", ["0.3", "0.4", "0.2"])
def test_the_surname_condition_finds_exactly_the_people_pg_trgm_calls_similar(officer, threshold):
    """However the condition is split between the indexes, it selects the same people as `%` would."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    surnames = [
        "Ya",
        "Yab",
        "Yabe",
        "Yabbe",
        "Yaber",
        "Yabeson",
        "Yamaguchi",
        "Abe",
        "Li",
        "Lee",
        "Wu",
        "Liu",
        "Sikder",
    ]
    surnames += ["Sikde", "Sik", "Si", "Ikde", "O'Brien", "Obrien", "De la Cruz", "Kowalska", "Kowalski", "Yabe-Smith"]
    for surname in surnames:
        services.create_person(by=officer, first_name="Maria", last_name=surname)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [threshold])
        for typed in ["yabe", "ya", "li", "sikde", "obrian", "kowalsky", "de la cruz", "yabesmith", "lu"]:
            wanted = people._Wanted(
                name=f"maria {typed}", first="maria", last=typed, date_of_birth=None, postcode="", phone="", email=""
            )
            sql, params = people._similar_surname(wanted)
            cursor.execute(f"SELECT last_name FROM casework_person WHERE {sql} ORDER BY 1", params)
            found = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT last_name FROM casework_person WHERE lower(last_name) %% %s ORDER BY 1", [typed])
            assert found == [row[0] for row in cursor.fetchall()], typed
            if typed == "yabe" and threshold == "0.3":
                # "Ya" shares two of the five trigrams (2 / (5 + 3 - 2) = 0.33): the short-surname index finds her
                assert "Ya" in found and "Yabbe" in found and "Yamaguchi" not in found
