"""The screens an officer uses: issuing, refusals shown on the form, PDFs, history, audit, registers."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework import services as casework_services
from casework.models import PartyRole
from common.dates import govuk_datetime
from enforcement import services
from enforcement.models import CommunityProtectionNotice, CommunityProtectionWarning, FixedPenaltyNotice
from tests.factories import CaseFactory, make_cpn, make_fpn, make_notice_recipient, make_written_warning

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def warning_post(recipient: str, **overrides) -> dict:
    served = timezone.localtime() - timedelta(days=20)
    data = {
        "recipient": recipient,
        "recipient_address": "Flat 3, 12 Watling Avenue",
        "conduct": "Amplified music late at night",
        "requirements": "Stop playing amplified music audible outside after 11pm",
        **date_fields("compliance_deadline", served.date() + timedelta(days=7)),
        "served_at": served.strftime("%Y-%m-%dT%H:%M"),
        "served_how": "in_person",
    }
    data.update(overrides)
    return data


def test_officer_records_a_warning_for_a_party_on_the_case(client, case, officer):
    kevin = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM)
    client.force_login(officer)
    page = client.get(reverse("enforcement:warning_create", args=[case.reference]))
    assert "Kevin Loud (person causing harm; no address on record)" in page.content.decode()
    assert "Secretname" not in page.content.decode()  # the anonymous victim is never offered as a recipient
    data = warning_post(f"party-{kevin.pk}", **date_fields("date_of_birth", date(1990, 5, 5)))
    response = client.post(reverse("enforcement:warning_create", args=[case.reference]), data)
    warning = CommunityProtectionWarning.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enforcement/warnings/{warning.pk}/"
    assert warning.recipient_person == kevin.person
    kevin.person.refresh_from_db()
    assert kevin.person.date_of_birth == date(1990, 5, 5)
    record = warning.history.get()
    assert record.history_user == officer and record.history_change_reason == "CPN written warning served"


def test_the_recipients_address_comes_from_their_record_not_retyped(client, case, officer, ward):
    """#17: a party's address on their person record is shown beside them and printed on the notice as it is."""
    kevin = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM)
    kevin.person.address = casework_services.create_address(
        by=officer, line1="12 Watling Avenue", postcode="ha80ad", ward=ward
    )
    kevin.person.save()
    client.force_login(officer)
    url = reverse("enforcement:warning_create", args=[case.reference])
    page = client.get(url).content.decode()
    assert "Kevin Loud (person causing harm; address: 12 Watling Avenue, London, HA8 0AD)" in page
    response = client.post(
        url, warning_post(f"party-{kevin.pk}", recipient_address="", **date_fields("date_of_birth", date(1990, 5, 5)))
    )
    assert response.status_code == 302
    assert CommunityProtectionWarning.objects.get().recipient_address == "12 Watling Avenue, London, HA8 0AD"


def test_a_recipient_without_an_address_on_record_needs_one_typed(client, case, officer):
    kevin = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM)
    client.force_login(officer)
    url = reverse("enforcement:warning_create", args=[case.reference])
    response = client.post(
        url, warning_post(f"party-{kevin.pk}", recipient_address="", **date_fields("date_of_birth", date(1990, 5, 5)))
    )
    assert response.status_code == 200
    assert "Enter the recipient&#x27;s address: none is on their record" in response.content.decode()
    assert not CommunityProtectionWarning.objects.exists()
    assert (
        client.post(
            url, warning_post(f"party-{kevin.pk}", **date_fields("date_of_birth", date(1990, 5, 5)))
        ).status_code
        == 302
    )  # typed: used as typed


def test_a_new_recipient_is_added_to_the_case_as_the_person_causing_harm(client, case, officer):
    client.force_login(officer)
    data = warning_post(
        "new_person", first_name="Dan", last_name="Noise", **date_fields("date_of_birth", date(2000, 1, 1))
    )
    client.post(reverse("enforcement:warning_create", args=[case.reference]), data)
    warning = CommunityProtectionWarning.objects.get()
    assert str(warning.recipient_person) == "Dan Noise"
    assert case.parties.filter(person=warning.recipient_person, role=PartyRole.PERSON_CAUSING_HARM).exists()


def test_an_under_16_recipient_is_refused_on_the_form_and_nothing_is_saved(client, case, officer):
    client.force_login(officer)
    born = timezone.localdate() - timedelta(days=15 * 365)
    data = warning_post("new_person", first_name="Young", last_name="Person", **date_fields("date_of_birth", born))
    response = client.post(reverse("enforcement:warning_create", args=[case.reference]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "aged 16 or over" in body
    assert CommunityProtectionWarning.objects.count() == 0
    assert not case.parties.filter(person__first_name="Young").exists()  # the new party was rolled back too


def test_missing_fields_get_gov_uk_messages(client, case, officer):
    client.force_login(officer)
    response = client.post(reverse("enforcement:warning_create", args=[case.reference]), {})
    body = response.content.decode()
    assert "Choose who the warning is for" in body
    assert "Enter the compliance deadline" in body
    assert "Enter the date and time served" in body
    assert CommunityProtectionWarning.objects.count() == 0


def test_issuing_a_cpn_too_early_shows_the_rule_and_saves_nothing(client, case, officer):
    warning = make_written_warning(case=case, by=officer, served_at=timezone.now() - timedelta(days=2))
    client.force_login(officer)
    today = timezone.localdate()
    data = {
        "warning": warning.pk,
        **date_fields("issued_on", today),
        "served_how": "in_person",
        **date_fields("compliance_deadline", today + timedelta(days=14)),
    }
    response = client.post(reverse("enforcement:cpn_create", args=[case.reference]), data)
    body = response.content.decode()
    assert "There is a problem" in body and "written warning to the same recipient" in body
    assert CommunityProtectionNotice.objects.count() == 0
    services.record_warning_breach(warning=warning, by=officer, on=today, notes="Music again")
    response = client.post(reverse("enforcement:cpn_create", args=[case.reference]), data)
    assert "s43(5)(b)" in response.content.decode()  # a breach does not shorten the time to comply
    assert CommunityProtectionNotice.objects.count() == 0
    ready = make_written_warning(case=case, by=officer, served_at=timezone.now() - timedelta(days=20))
    response = client.post(reverse("enforcement:cpn_create", args=[case.reference]), {**data, "warning": ready.pk})
    cpn = CommunityProtectionNotice.objects.get()
    assert response["Location"] == f"/enforcement/cpns/{cpn.pk}/"
    assert cpn.appeal_deadline == today + timedelta(days=20)  # 21 days beginning with the day of issue
    assert cpn.history.get().history_user == officer


def test_warning_page_explains_why_a_cpn_cannot_follow_yet(client, case, officer):
    warning = make_written_warning(
        case=case,
        by=officer,
        served_at=timezone.now() - timedelta(days=2),
        compliance_deadline=timezone.localdate() + timedelta(days=5),
    )
    client.force_login(officer)
    body = client.get(reverse("enforcement:warning_detail", args=[warning.pk])).content.decode()
    assert "A CPN cannot be issued yet" in body
    assert "A written warning cannot be appealed" in body
    assert AccessLog.objects.filter(object_type="cpn_warning", object_id=str(warning.pk), action="view").exists()


def test_breach_then_fpn_then_payment_in_the_discount_period_through_the_screens(client, case, officer):
    cpn = make_cpn(case=case, by=officer, issued_on=timezone.localdate() - timedelta(days=20))
    client.force_login(officer)
    yesterday = timezone.localdate() - timedelta(days=1)
    client.post(
        reverse("enforcement:cpn_breach_add", args=[cpn.pk]),
        {**date_fields("occurred_on", yesterday), "description": "Music at 2am", "evidence_summary": "Two diaries"},
    )
    breach = cpn.breaches.get()
    cpn.refresh_from_db()
    assert cpn.status == "breached"
    response = client.post(
        reverse("enforcement:cpn_breach_fpn", args=[breach.pk]),
        {
            "notice_number": "BAR123456",
            "issued_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "location": "Flat 3",
            "offence_description": "Failed to comply with the CPN",
        },
    )
    fpn = FixedPenaltyNotice.objects.get(notice_number="BAR123456")
    assert response["Location"] == f"/enforcement/fpns/{fpn.pk}/"
    assert fpn.offence.code == "CST08"
    body = client.get(reverse("enforcement:fpn_detail", args=[fpn.pk])).content.decode()
    assert "Payable today: <strong>£70.00</strong>" in body
    wrong = client.post(
        reverse("enforcement:fpn_payment", args=[fpn.pk]),
        {**date_fields("paid_on", timezone.localdate()), "amount": "100.00"},
    )
    assert "£70.00 was due" in wrong.content.decode()
    client.post(
        reverse("enforcement:fpn_payment", args=[fpn.pk]),
        {**date_fields("paid_on", timezone.localdate()), "amount": "70.00", "payment_reference": "PAY-1"},
    )
    fpn.refresh_from_db()
    assert (
        fpn.status == "paid" and fpn.history.filter(history_user=officer, history_change_reason="Paid £70.00").exists()
    )


def test_street_fpn_is_issued_without_a_case_and_owned_by_the_agency(client, officer, council):
    client.force_login(officer)
    from enforcement.models import OffenceCode

    now = timezone.localtime()
    response = client.post(
        reverse("enforcement:fpn_create"),
        {
            "offence": OffenceCode.objects.get(code="CST01").pk,
            "offence_at": (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
            "issued_at": now.strftime("%Y-%m-%dT%H:%M"),
            "location": "The Broadway",
            "offence_description": "Threw a drinks can on the pavement",
            "recipient_name": "Sam Walker",
            "recipient_address": "4 Station Road",
        },
    )
    fpn = FixedPenaltyNotice.objects.get()
    assert response["Location"] == f"/enforcement/fpns/{fpn.pk}/"
    assert fpn.case is None and fpn.owner_agency == council and fpn.notice_number.startswith("LBB-FPN-")


@pytest.mark.parametrize(
    ("url_name", "attr", "text"),
    [
        ("warning_pdf", "warning", "written warning"),
        ("cpn_pdf", "cpn", "Community Protection Notice"),
        ("fpn_pdf", "breach_fpn", "Fixed penalty notice"),
        ("closure_pdf", "notice", "Closure notice"),
    ],
)
def test_pdfs_are_generated_and_logged(client, records, officer, url_name, attr, text):
    record = getattr(records, attr)
    client.force_login(officer)
    response = client.get(reverse(f"enforcement:{url_name}", args=[record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 2000
    log = AccessLog.objects.filter(action="print").latest("id")
    assert log.user == officer and log.object_id == str(record.pk) and log.case_id == records.case.pk


def test_the_closure_notice_states_everything_a_valid_notice_must(records):
    notice = records.notice
    html = render_to_string(
        "enforcement/print/closure_notice.html", {"record": notice, "order_max_months": 3, "order_total_months": 6}
    )
    required = [
        "12 Deansbrook Road",  # identifies the premises
        "prohibits access to the premises",  # explains the effect of the notice
        "All persons except the owner",
        "is an offence",  # breach is an offence
        "An application will be made to the magistrates",  # a closure order will be applied for
        "Willesden Magistrates",  # where it will be heard
        "Effect of a closure order",  # explains a closure order's effect
        "up to 3 months",
        "Barnet Homes Housing Options",  # housing advice contacts
        "Citizens Advice Barnet",  # legal advice contacts
    ]
    for phrase in required:
        assert phrase in html, phrase
    assert govuk_datetime(notice.hearing_at) in html  # when it will be heard, "8 December 2026 at 10am"


def test_the_cpn_print_states_the_appeal_deadline_and_the_offence(records):
    html = render_to_string("enforcement/print/cpn.html", {"record": records.cpn, "appeal_days": 21})
    deadline = records.cpn.appeal_deadline
    assert f"{deadline.day} {deadline:%B %Y}" in html
    assert "criminal offence" in html and records.cpn.requirements in html


def test_case_enforcement_page_lists_records_links_back_and_logs(client, records, officer):
    client.force_login(officer)
    response = client.get(reverse("enforcement:case_enforcement", args=[records.case.reference]))
    body = response.content.decode()
    assert f'href="/cases/{records.case.reference}/"' in body
    for text in (f"CPN {records.cpn.pk}", records.case_fpn.notice_number, f"Closure notice {records.notice.pk}"):
        assert text in body
    assert "Community Protection Notice issued" in body  # the enforcement timeline from history
    assert AccessLog.objects.filter(case_id=records.case.pk, details__page="enforcement").exists()


def test_overview_lists_overdue_and_due_dates(client, case, officer):
    overdue_warning = make_written_warning(
        case=case,
        by=officer,
        served_at=timezone.now() - timedelta(days=30),
        compliance_deadline=timezone.localdate() - timedelta(days=3),
    )
    unpaid = make_fpn(by=officer, issued_at=timezone.now() - timedelta(days=40))
    client.force_login(officer)
    body = client.get(reverse("enforcement:index")).content.decode()
    assert "Written warning: compliance deadline" in body
    assert f"/enforcement/warnings/{overdue_warning.pk}/" in body
    assert unpaid.notice_number in body and "list for prosecution" in body.lower()


def test_registers_filter_by_offence_code_status_and_overdue(client, officer):
    cst01 = make_fpn(by=officer, offence_code="CST01", recipient_name="Alpha Person")
    make_fpn(by=officer, offence_code="CST13", recipient_name="Beta Person")
    old = make_fpn(
        by=officer, offence_code="CST13", recipient_name="Gamma Person", issued_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(officer)
    body = client.get(reverse("enforcement:fpn_list"), {"offence_code": "CST01"}).content.decode()
    assert cst01.notice_number in body and "Beta Person" not in body
    body = client.get(reverse("enforcement:fpn_list"), {"overdue": "on"}).content.decode()
    assert old.notice_number in body and "Alpha Person" not in body
    body = client.get(reverse("enforcement:fpn_list"), {"type": "case"}).content.decode()
    assert "0 records found" in body


def test_register_queries_do_not_grow_with_rows(client, case, officer, django_assert_max_num_queries):
    client.force_login(officer)
    url = reverse("enforcement:warning_list")

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    make_written_warning(case=case, by=officer)
    count()  # warm up: session and permission caches
    few = count()
    for n in range(6):
        make_written_warning(
            case=case, by=officer, person=make_notice_recipient(case=case, by=officer, first_name=f"P{n}")
        )
    assert count() == few


@pytest.mark.parametrize("name", ["fpn_list", "cpn_list", "closure_list", "cbo_list", "injunction_list", "pspo_list"])
def test_other_registers_have_constant_queries(client, records, officer, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.get(reverse(f"enforcement:{name}"))  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as first:
        client.get(reverse(f"enforcement:{name}"))
    for _ in range(3):
        make_fpn(by=officer, case=records.case)
        make_cpn(case=records.case, by=officer)
    with CaptureQueriesContext(connection) as second:
        client.get(reverse(f"enforcement:{name}"))
    assert len(second.captured_queries) == len(first.captured_queries)


def test_case_page_of_a_case_with_no_records(client, officer, ward):
    case = CaseFactory(by=officer, ward=ward)
    client.force_login(officer)
    body = client.get(reverse("enforcement:case_enforcement", args=[case.reference])).content.decode()
    assert "No written warnings." in body
    assert "Issue a CPN" not in body  # no warning yet, so no CPN button


def test_closure_detail_shows_the_hearing_countdown(client, case, officer):
    from tests.factories import make_closure_notice

    notice = make_closure_notice(case=case, by=officer)
    client.force_login(officer)
    body = client.get(reverse("enforcement:closure_detail", args=[notice.pk])).content.decode()
    assert "The court must hear the application by" in body and "left" in body


def test_every_notice_names_the_officer_and_how_to_contact_them(records):
    """Notices name the officer and their phone and email, from the officer's profile (#17)."""
    officer = records.cpn.issued_by
    officer.email = "priya.shah@barnet.example"
    officer.save()
    officer.membership.job_title = "Enforcement officer"
    officer.membership.work_phone = "020 7946 0018"
    officer.membership.save()
    documents = {
        "enforcement/print/cpn.html": {"record": records.cpn, "appeal_days": 21},
        "enforcement/print/closure_notice.html": {
            "record": records.notice,
            "order_max_months": 3,
            "order_total_months": 6,
        },
    }
    for template, context in documents.items():
        context["record"].refresh_from_db()
        html = render_to_string(template, context)
        assert "Phone: 020 7946 0018" in html and "Email: priya.shah@barnet.example" in html, template
        assert "Enforcement officer" in html, template
