"""A user whose agency processes cases as law enforcement (DPA 2018 Part 3) says why before a case opens; the
reason is on every access-log row for that case in the session, and on the case's "Who accessed it" tab."""

from datetime import date

import pytest

from audit.models import AccessLog
from casework import services as casework_services
from casework.models import LegalBasis
from governance import services
from governance.models import Regime


@pytest.fixture
def police_share(case, officer, police):
    casework_services.share_case(
        case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Joint problem-solving", by=officer
    )
    return case


@pytest.fixture
def police_part3(police, auditor):
    services.set_agency_purpose(
        agency=police,
        purpose="Investigating ASB offences",
        regime=Regime.DPA_PART3,
        effective_from=date(2026, 1, 1),
        by=auditor,
    )
    return services.set_agency_purpose(
        agency=police, purpose="Safeguarding", regime=Regime.UK_GDPR, effective_from=date(2026, 1, 1), by=auditor
    )


@pytest.mark.django_db
def test_a_part3_user_is_asked_why_before_the_case_shows(client, police_user, police_share, police_part3):
    client.force_login(police_user)
    case = police_share
    response = client.get(f"/cases/{case.reference}/parties/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/cases/{case.reference}/reason/?next=")
    assert not AccessLog.objects.filter(case_id=case.pk).exists()  # nothing shown, nothing logged as read

    page = client.get(response["Location"]).content.decode()
    assert "Investigating ASB offences" in page and "Safeguarding" in page
    assert "Intimidation on the stairwell" not in page  # the question shows no case detail

    refused = client.post(f"/cases/{case.reference}/reason/", {"purpose": "", "reason": "  ", "next": "/x"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Choose the purpose you are opening this case for" in text and "Say why you are opening this case" in text

    purpose_key = next(
        str(p.pk) for p in police_part3.agency.processing_purposes.all() if p.purpose == "Investigating ASB offences"
    )
    done = client.post(
        f"/cases/{case.reference}/reason/",
        {
            "purpose": purpose_key,
            "reason": "Crime report 1234/26: enquiry",
            "next": f"/cases/{case.reference}/parties/",
        },
    )
    assert done["Location"] == f"/cases/{case.reference}/parties/"
    assert client.get(f"/cases/{case.reference}/parties/").status_code == 200
    assert client.get(f"/cases/{case.reference}/").status_code == 200  # asked once per case per session
    rows = AccessLog.objects.filter(case_id=case.pk, username=police_user.username)
    assert rows.count() == 2
    for row in rows:
        assert row.details["reason"] == "Crime report 1234/26: enquiry"
        assert row.details["purpose"] == "Investigating ASB offences"
        assert "Part 3" in row.details["regime"]


@pytest.mark.django_db
def test_the_reason_shows_on_the_cases_access_tab_for_the_auditor(
    client, police_user, auditor, police_share, police_part3
):
    client.force_login(police_user)
    case = police_share
    key = str(police_part3.agency.processing_purposes.get(purpose="Investigating ASB offences").pk)
    client.post(f"/cases/{case.reference}/reason/", {"purpose": key, "reason": "Enquiry for CAD 555"})
    client.get(f"/cases/{case.reference}/")
    client.force_login(auditor)
    page = client.get(f"/audit/cases/{case.reference}/").content.decode()
    assert "Enquiry for CAD 555" in page


@pytest.mark.django_db
def test_an_unshared_case_is_a_404_not_the_question(client, police_user, case, police_part3):
    client.force_login(police_user)
    assert client.get(f"/cases/{case.reference}/").status_code == 404
    assert client.get(f"/cases/{case.reference}/reason/").status_code == 404


@pytest.mark.django_db
def test_agencies_without_law_enforcement_purposes_are_not_asked(client, housing_user, shared_case, police_part3):
    client.force_login(housing_user)
    assert client.get(f"/cases/{shared_case.reference}/").status_code == 200
    # A stray visit to the question goes straight on to the case.
    assert client.get(f"/cases/{shared_case.reference}/reason/")["Location"] == f"/cases/{shared_case.reference}/"


@pytest.mark.django_db
def test_a_purpose_recorded_for_later_does_not_ask_yet(client, police_user, police_share, police, auditor):
    services.set_agency_purpose(
        agency=police,
        purpose="Investigating ASB offences",
        regime=Regime.DPA_PART3,
        effective_from=date(2099, 1, 1),
        by=auditor,
    )
    client.force_login(police_user)
    assert client.get(f"/cases/{police_share.reference}/").status_code == 200


@pytest.mark.django_db
def test_next_cannot_send_the_user_off_site(client, police_user, police_share, police_part3):
    client.force_login(police_user)
    key = str(police_part3.agency.processing_purposes.get(purpose="Safeguarding").pk)
    response = client.post(
        f"/cases/{police_share.reference}/reason/",
        {"purpose": key, "reason": "Safeguarding check", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/cases/{police_share.reference}/"


@pytest.mark.django_db
def test_the_enforcement_tab_asks_too(client, police_user, police_share, police_part3):
    client.force_login(police_user)
    response = client.get(f"/enforcement/cases/{police_share.reference}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/cases/{police_share.reference}/reason/?next=")
    assert not AccessLog.objects.filter(case_id=police_share.pk).exists()
