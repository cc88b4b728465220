"""A CBO cites s22 of the 2014 Act for convictions before 1 December 2020 and the Sentencing Code after."""

from datetime import date

import pytest
from django.urls import reverse

from enforcement.models import CriminalBehaviourOrder
from tests.factories import make_notice_recipient

pytestmark = pytest.mark.django_db


def d(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


@pytest.mark.parametrize(
    ("convicted", "cited"),
    [
        (date(2020, 11, 30), "s22 of the Anti-social Behaviour, Crime and Policing Act 2014"),
        (date(2020, 12, 1), "s330 of the Sentencing Act 2020 (the Sentencing Code)"),
    ],
)
def test_the_cbo_page_prints_the_statute_it_was_made_under(client, case, officer, convicted, cited):
    person = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1980, 1, 1))
    party = case.parties.get(person=person)
    client.force_login(officer)
    made = date(2020, 12, 2)
    response = client.post(
        reverse("enforcement:cbo_create", args=[case.reference]),
        {
            "subject": party.pk,
            **d("subject_date_of_birth", date(1980, 1, 1)),
            **d("application_heard_on", made),
            **d("made_on", made),
            **d("starts_on", made),
            **d("convicted_on", convicted),
            "court": "Hendon Magistrates' Court",
            "conviction_offence": "Criminal damage",
            "prohibitions": "Not to enter Watling Avenue",
        },
    )
    assert response.status_code == 302
    order = CriminalBehaviourOrder.objects.get()
    assert order.made_under == cited and order.convicted_on == convicted
    assert cited in client.get(reverse("enforcement:cbo_detail", args=[order.pk])).content.decode()
    case_page = client.get(reverse("enforcement:case_enforcement", args=[case.reference])).content.decode()
    assert f"under {cited}" in case_page
