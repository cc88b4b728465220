"""Hostile input on every casework form and on the services behind them (hypothesis, bounded).

Whatever is typed (NUL bytes, right-to-left overrides, 10,000-character strings, emoji, markup, dates that
do not exist, numbers past any limit) the answer is a page with a clear error or a saved record: never a
server error, and an invalid form changes no row in the database.
"""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from casework import calendar, risk, services
from casework.errors import CaseworkError, InvalidTransition, NotAllowed
from casework.models import Action, ActionStatus, Case, CaseStatus, LegalBasis

BOUNDED = hsettings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree; every run explores afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil.exe\u202c",  # right-to-left override
    "\u200f\u200e\u2066\u2069",
    "\ufeff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE casework_case; --",
    "{{ request.user }}{% debug %}",
    '=HYPERLINK("http://evil")',
    "../../../etc/passwd",
    "\r\nSet-Cookie: x=1",
    "😀" * 60,
    "Z̷̧̛a̶l̴g̸o̵",
    "x" * 201,
    "y" * 10_001,
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
digits = st.one_of(st.integers(min_value=-10, max_value=999_999_999).map(str), st.sampled_from(["", "0", "1e3", "٣"]))
number_text = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str), st.sampled_from(["", "1.5", "NaN", "inf", "0x10"])
)


def domain_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_app_config("casework").get_models()}


def submit(client, url: str, data: dict):
    """POST and classify: ('saved', response) on a redirect, ('refused', response) on a page with errors."""
    before = domain_counts()
    response = client.post(url, data)
    assert response.status_code in (200, 302), f"{url} answered {response.status_code}"
    if response.status_code == 200:
        body = response.content.decode()
        assert "There is a problem" in body, f"{url}: refused without saying why"
        assert domain_counts() == before, f"{url}: an invalid form changed the database"
        return "refused", response
    return "saved", response


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.django_db
@BOUNDED
@given(
    title=text,
    description=text,
    address=text,
    postcode=st.one_of(text, st.sampled_from(["NW4 4BQ", "nw44bq", "HA8 0LA"])),
    location=text,
    category=st.one_of(st.just("noise"), text),
    ward_input=st.one_of(st.just(None), number_text),
)
def test_open_case_form(signed_in, ward, ward_input, title, description, address, postcode, location, category):
    ward_value = ward_input if ward_input is not None else str(ward.pk)
    data = {
        "title": title,
        "category": category,
        "description": description,
        "ward": ward_value,
        "address_line1": address,
        "postcode": postcode,
        "location_description": location,
    }
    outcome, response = submit(signed_in, "/cases/new/", data)
    if outcome == "saved":
        case = Case.objects.get(reference=response["Location"].strip("/").split("/")[-1])
        assert case.title == title.strip() and "\x00" not in case.title
        assert 0 < len(case.title) <= 200


@pytest.mark.django_db
@BOUNDED
@given(note=text)
def test_note_form(signed_in, case, note):
    outcome, _ = submit(signed_in, f"/cases/{case.reference}/notes/", {"text": note})
    if outcome == "saved":
        assert case.notes.latest("id").text == note.strip()
    else:
        assert not note.strip() or "\x00" in note or len(note.strip()) > 10_000


@pytest.mark.django_db
@BOUNDED
@given(
    occurred=st.one_of(
        st.datetimes(min_value=timezone.datetime(1, 1, 1), max_value=timezone.datetime(9999, 12, 31)).map(
            lambda d: d.strftime("%Y-%m-%dT%H:%M")
        ),
        text,
    ),
    gap_hours=st.integers(min_value=-10_000, max_value=10_000),
    description=text,
    reference=text,
)
def test_incident_form(signed_in, case, council, occurred, gap_hours, description, reference):
    from datetime import datetime

    try:
        reported = (datetime.strptime(occurred, "%Y-%m-%dT%H:%M") + timedelta(hours=gap_hours)).strftime(
            "%Y-%m-%dT%H:%M"
        )
    except (ValueError, OverflowError):
        reported = occurred
    data = {
        "occurred_at": occurred,
        "reported_at": reported,
        "reported_to": council.pk,
        "description": description,
        "agency_reference": reference,
    }
    outcome, _ = submit(signed_in, f"/cases/{case.reference}/incidents/add/", data)
    if outcome == "saved":
        incident = case.incidents.latest("id")
        assert incident.occurred_at <= incident.reported_at <= timezone.now() + timedelta(minutes=5)


@pytest.mark.django_db
@BOUNDED
@given(day=digits, month=digits, year=digits, description=text)
@example(day="29", month="2", year="2027", description="Not a leap year")
@example(day="31", month="4", year="2030", description="April has 30 days")
@example(day="1", month="13", year="2030", description="No 13th month")
@example(day="1", month="1", year="0", description="Year zero")
@example(day="1", month="1", year="999999999", description="Far future")
def test_action_form_dates(signed_in, case, council, day, month, year, description):
    data = {
        "description": description,
        "owner_agency": council.pk,
        "due_date_0": day,
        "due_date_1": month,
        "due_date_2": year,
    }
    outcome, _ = submit(signed_in, f"/cases/{case.reference}/actions/add/", data)
    if outcome == "saved":
        action = case.actions.latest("id")
        assert action.due_date >= timezone.localdate()
        assert action.due_date == date(int(year), int(month), int(day))


@pytest.mark.django_db
def test_a_twenty_digit_year_is_refused_not_a_server_error(signed_in, case, council):
    data = {
        "description": "x",
        "owner_agency": council.pk,
        "due_date_0": "1",
        "due_date_1": "1",
        "due_date_2": "9" * 20,
    }
    submit(signed_in, f"/cases/{case.reference}/actions/add/", data)


@pytest.mark.django_db
@BOUNDED
@given(
    role=st.one_of(st.just("witness"), text),
    first=text,
    last=text,
    organisation=st.booleans(),
    dob=st.tuples(digits, digits, digits),
    phone=text,
    email=st.one_of(st.emails(), text),
    notes=text,
    anonymous=st.booleans(),
)
def test_party_form(signed_in, case, role, first, last, organisation, dob, phone, email, notes, anonymous):
    data = {
        "role": role,
        "first_name": first,
        "last_name": last,
        "organisation_name": first,
        "date_of_birth_0": dob[0],
        "date_of_birth_1": dob[1],
        "date_of_birth_2": dob[2],
        "phone": phone,
        "email": email,
        "notes": notes,
    }
    if organisation:
        data["is_organisation"] = "on"
    if anonymous:
        data["is_anonymous"] = "on"
    outcome, _ = submit(signed_in, f"/cases/{case.reference}/parties/add/", data)
    if outcome == "saved":
        party = case.parties.latest("id")
        assert party.is_anonymous == anonymous
        assert (party.organisation is not None) == organisation


@pytest.mark.django_db
@BOUNDED
@given(count=number_text, notes=text, answers=st.lists(st.sampled_from([q.key for q in risk.QUESTIONS])))
def test_risk_form(signed_in, case, count, notes, answers):
    data = {"repeat_victimisation_count": count, "notes": notes, **{key: "on" for key in answers}}
    outcome, _ = submit(signed_in, f"/cases/{case.reference}/risk/add/", data)
    if outcome == "saved":
        assessment = case.risk_assessments.latest("id")
        assert 0 <= assessment.repeat_victimisation_count <= 500
        assert assessment.level in ("standard", "medium", "high")


@pytest.mark.django_db
@BOUNDED
@given(purpose=text, basis=st.one_of(st.sampled_from(LegalBasis.values), text), agency=st.one_of(st.none(), text))
def test_share_form(signed_in, case, barnet_homes, purpose, basis, agency):
    from audit.models import Disclosure

    disclosures = Disclosure.objects.count()
    data = {"agency": barnet_homes.pk if agency is None else agency, "legal_basis": basis, "purpose": purpose}
    outcome, _ = submit(signed_in, f"/cases/{case.reference}/sharing/add/", data)
    if outcome == "saved":
        assert Disclosure.objects.count() == disclosures + 1
        share = case.shares.get(revoked_at__isnull=True)
        services.revoke_share(share=share, by=share.shared_by, reason="reset for the next example")
    else:
        assert Disclosure.objects.count() == disclosures


@pytest.mark.django_db
@BOUNDED
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["q", "status", "category", "ward", "lead_agency", "officer", "risk_level", "opened_after"]
            + ["opened_before", "sort", "page", "per_page"]
        ),
        st.one_of(text, number_text, st.sampled_from(["2026-02-30", "9999-12-31", "-opened", "0", "-1"])),
        max_size=5,
    )
)
def test_case_list_filters_and_export_never_fail(signed_in, case, params):
    has_nul = any("\x00" in str(key) + str(value) for key, value in dict(params).items())
    for url in ("/cases/", "/cases/export.csv"):
        response = signed_in.get(url, params)
        # a NUL byte is refused with a clear 400 before any filter runs (common/nul.py)
        assert response.status_code == (400 if has_nul else 200), (url, params)
        if url == "/cases/export.csv" and not has_nul:
            b"".join(response.streaming_content)  # the stream runs to the end without an error


# --- The services behind the forms: the rules hold whatever the caller passes ---------------------------


@pytest.mark.django_db
@BOUNDED
@given(to=st.one_of(st.sampled_from(CaseStatus.values), text), outcome=st.one_of(st.just(""), text))
def test_transition_service_refuses_every_illegal_move_and_changes_nothing(case, officer, to, outcome):
    case.refresh_from_db()
    before = (case.status, case.version, case.closed_at, case.outcome)
    allowed = services.TRANSITIONS[case.status]
    try:
        moved = services.transition_case(case=case, by=officer, to=to, outcome=outcome, outcome_notes=outcome)
    except InvalidTransition as error:
        assert str(error)  # a message written for the user
        case.refresh_from_db()
        assert (case.status, case.version, case.closed_at, case.outcome) == before
    else:
        assert to in allowed and moved.version == before[1] + 1
        assert (moved.status == CaseStatus.CLOSED) == (moved.closed_at is not None)


@pytest.mark.django_db
@BOUNDED
@given(status=st.one_of(st.sampled_from(ActionStatus.values), text))
def test_action_status_service(case, officer, council, status):
    action = services.add_action(
        case=case, by=officer, description="x", owner_agency=council, due_date=timezone.localdate()
    )
    try:
        services.set_action_status(action=action, by=officer, status=status)
    except InvalidTransition:
        assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN
    else:
        assert status in ActionStatus.values


@pytest.mark.django_db
@BOUNDED
@given(purpose=st.text(alphabet=" \t\r\n\u00a0\u2003", max_size=20))
def test_share_service_refuses_a_blank_purpose(case, officer, barnet_homes, purpose):
    from audit.models import Disclosure

    assume(not purpose.strip())
    before = (case.shares.count(), Disclosure.objects.count())
    with pytest.raises(NotAllowed):
        services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.ISA, purpose=purpose, by=officer)
    assert (case.shares.count(), Disclosure.objects.count()) == before


@pytest.mark.django_db
def test_services_refuse_writes_from_users_who_may_not_change_the_case(case, housing_user, manager, council):
    for user in (housing_user, manager):
        before = domain_counts()
        for call in (
            lambda u=user: services.add_note(case=case, by=u, text="x"),
            lambda u=user: services.add_action(
                case=case, by=u, description="x", owner_agency=council, due_date=timezone.localdate()
            ),
            lambda u=user: services.transition_case(case=case, by=u, to=CaseStatus.INVESTIGATING),
        ):
            with pytest.raises(CaseworkError):
                call()
        assert domain_counts() == before


@BOUNDED
@given(start=st.dates(min_value=date(1995, 1, 1), max_value=date(2090, 12, 31)), days=st.integers(0, 60))
def test_working_days_are_consistent(start, days):
    end = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, end) == days
    assert end >= start and (days == 0 or calendar.is_working_day(end))


@BOUNDED
@given(
    answers=st.dictionaries(st.sampled_from([q.key for q in risk.QUESTIONS]), st.booleans()),
    extra=st.sampled_from([q.key for q in risk.QUESTIONS]),
    repeats=st.integers(min_value=0, max_value=10**9),
)
def test_risk_score_never_drops_when_a_yes_is_added(answers, extra, repeats):
    total, level, _ = risk.score(answers, repeats)
    more_total, more_level, _ = risk.score({**answers, extra: True}, repeats)
    order = ["standard", "medium", "high"]
    assert more_total >= total and order.index(more_level) >= order.index(level)
    if answers.get("self_harm"):
        assert level == "high"
