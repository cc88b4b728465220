"""#19: a MARAC referral names a case, not a person, so nothing is matched; the referral page shows the referred
victim's existing records from the person index, as far as the reader may see them (casework.access)."""

import pytest

from casework import services as casework_services
from casework.models import PartyRole
from marac.forms import ReferralForm
from tests.factories import CaseFactory, MaracReferralFactory
from tests.marac.test_repeat_victim import _case_with_victim

pytestmark = pytest.mark.django_db

HEADING = "The victim's existing records"


def test_the_referral_form_names_a_case_never_a_person():
    """So there is nobody typed to match: the victim is a party of the case, already in the person index."""
    assert not {"first_name", "last_name", "victim_name", "match"} & set(ReferralForm().fields)


def test_the_referral_page_links_the_victims_records(client, officer, coordinator, core, ward, police_user):
    victim = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")
    _case_with_victim(officer, ward, victim, "Harassment at the old flat")
    police_only = CaseFactory(by=police_user, ward=ward, title="Police matter")
    casework_services.add_party(case=police_only, by=police_user, role=PartyRole.VICTIM, person=victim)
    referral = MaracReferralFactory(case=_case_with_victim(officer, ward, victim, "Harassment now"), by=officer)
    client.force_login(officer)
    body = client.get(f"/marac/referrals/{referral.pk}/").content.decode()
    assert HEADING in body and f'href="/people/{victim.pk}/">Maria Evans</a>: on 2 cases you can see' in body
    assert "Police matter" not in body and police_only.reference not in body  # the police's case: not counted


def test_an_anonymous_victim_is_not_named_to_a_partner(client, shared_case, officer, housing_user, core):
    referral = MaracReferralFactory(case=shared_case, by=officer)
    client.force_login(officer)
    assert "Secretname" in client.get(f"/marac/referrals/{referral.pk}/").content.decode()
    client.force_login(housing_user)
    response = client.get(f"/marac/referrals/{referral.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and referral.case.reference in body
    assert "Secretname" not in body and HEADING not in body
    victim = shared_case.parties.get(role=PartyRole.VICTIM)
    assert f"/people/{victim.person_id}/" not in body
