"""My work's own lists read in as few queries as the page needs (issue 23), holding exactly what they held."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import people, selectors, services
from casework.models import CaseOutcome, CaseStatus, PartyRole
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_repeats_on_my_work_are_read_from_the_cases_the_page_read(officer, ward):
    """The repeats section takes the user's open cases and their addresses from the page (no second read of the
    cases), and flags exactly what reading them itself flags."""
    a = services.open_case(
        by=officer,
        title="a",
        category="noise",
        description="x",
        ward=ward,
        address_line1="1 Grove Court",
        postcode="NW9 5XX",
    )
    b = services.open_case(
        by=officer,
        title="b",
        category="noise",
        description="x",
        ward=ward,
        address_line1="1 grove court",
        postcode="nw95xx",
    )
    CaseFactory(by=officer, ward=ward, officer=officer)  # no address
    type(b).objects.filter(pk=b.pk).update(officer=officer)
    type(a).objects.filter(pk=a.pk).update(officer=officer)
    harm = services.create_person(by=officer, first_name="Kevin", last_name="Loud")
    for case in (a, b):
        services.add_party(case=case, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=harm)
    closed = CaseFactory(by=officer, ward=ward, officer=officer)
    type(closed).objects.filter(pk=closed.pk).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now(), outcome=CaseOutcome.RESOLVED
    )
    today = timezone.localdate()

    alone = people.my_work_repeats(user=officer, today=today)
    work = selectors.my_work(user=officer)
    with CaptureQueriesContext(connection) as ctx:
        with_page = people.my_work_repeats(user=officer, today=today, work=work)
    assert len(ctx.captured_queries) == 2  # the people's counts, the cases at those postcodes
    assert with_page == alone
    texts = [item.text for item in with_page[0].items]
    assert f"{a.reference}: Repeat perpetrator (2 cases in 12 months)" in texts
    assert f"{b.reference}: Repeat location (2 cases in 12 months)" in texts and len(texts) == 4
