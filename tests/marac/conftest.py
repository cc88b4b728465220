"""CS MARAC fixtures: the test partnership's agencies as the MARAC's core agencies."""

from datetime import date, timedelta

import pytest

from casework import roles
from casework.calendar import is_working_day
from tests.factories import AgencyFactory, CaseFactory, make_member


@pytest.fixture(autouse=True)
def marac_settings(settings):
    settings.MARAC = {
        "COORDINATING_AGENCY": "lbb",
        "CORE_AGENCIES": ["lbb", "barnet-homes", "met", "probation"],
        "CORE_AGENCIES_CAN_CHANGE": True,
        "MEETINGS_AHEAD": 3,
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.MARAC


@pytest.fixture
def probation(db):
    from casework.models import AgencyKind

    return AgencyFactory(name="Probation Service", short_name="probation", kind=AgencyKind.PROBATION)


@pytest.fixture
def probation_user(probation):
    return make_member(probation, roles.PARTNER_CASEWORKER, "probation", email="probation@example.org")


@pytest.fixture
def core(council, barnet_homes, police, probation):
    """All four core agencies exist."""
    return [council, barnet_homes, police, probation]


def last_working_day(on: date | None = None) -> date:
    day = on or date.today()
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@pytest.fixture
def today_meeting(coordinator, core):
    """A meeting on the most recent working day (so it can be held today), all core agencies invited."""
    from tests.factories import make_marac_meeting

    return make_marac_meeting(by=coordinator, on=last_working_day())


@pytest.fixture
def police_case(police_user, ward):
    """A police-led case that the council (MARAC coordinator's agency) cannot see."""
    return CaseFactory(by=police_user, ward=ward, title="Threats to a neighbour")
