"""The public application form: no sign-in, GOV.UK errors, nothing stored until sent, spam and abuse refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone

from triggers.models import Application, ApplicationIncident, ApplyingFor

pytestmark = pytest.mark.django_db

APPLY = "/triggers/public/apply/"


def sent(started_seconds_ago: float = 120) -> dict:
    """What the check page's form carries: the signed time the applicant started (a person takes minutes)."""
    import time

    from triggers import botcheck

    return {botcheck.FIELD: botcheck.issue(started_at=time.time() - started_seconds_ago)}


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def date_fields(name: str, day) -> dict:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


CONTACT = {
    "applicant_name": "Maria Evans",
    "applicant_email": "maria@example.org",
    "applicant_phone": "",
    "applicant_address": "12 Deansbrook Road",
    "applicant_postcode": "ha8 9be",
    "contact_preference": "email",
}
PROBLEM = {
    "problem_description": "Drug dealing from a car outside most nights, shouting and threats.",
    "problem_location": "Deansbrook Road, outside number 14",
    "problem_postcode": "HA8 9BE",
}


def incident(days_ago: int, *, reported_after: int = 0, to: str = "police", hate: bool = False) -> dict:
    today = timezone.localdate()
    data = {
        "action": "add",
        **date_fields("occurred_on", today - timedelta(days=days_ago)),
        **date_fields("reported_on", today - timedelta(days=days_ago - reported_after)),
        "reported_to": to,
        "agency_reference": "CAD1234",
    }
    if hate:
        data["hate_related"] = "on"
    return data


def answer_everything(client, *, someone_else: bool = False) -> None:
    if someone_else:
        assert client.post(APPLY, {"applying_for": ApplyingFor.SOMEONE_ELSE}).status_code == 302
        response = client.post(
            APPLY + "victim/",
            {"victim_name": "Yusuf Khan", "victim_relationship": "Son", "victim_consent": "on"},
        )
        assert response.status_code == 302
    else:
        assert client.post(APPLY, {"applying_for": ApplyingFor.SELF})["Location"] == APPLY + "contact/"
    assert client.post(APPLY + "contact/", CONTACT)["Location"] == APPLY + "problem/"
    assert client.post(APPLY + "problem/", PROBLEM)["Location"] == APPLY + "incidents/"
    for days in (60, 40, 20):
        assert client.post(APPLY + "incidents/", incident(days)).status_code == 302
    assert client.post(APPLY + "incidents/", {"action": "continue"})["Location"] == APPLY + "check/"


def test_every_public_page_opens_without_signing_in(client):
    for url in ("/triggers/public/", APPLY):
        response = client.get(url)
        assert response.status_code == 200, url
    start = client.get("/triggers/public/").content.decode()
    assert "Apply for an ASB Case Review" in start and "Start now" in start
    assert "Are you the person affected" in client.get(APPLY).content.decode()


def test_a_resident_applies_and_gets_a_reference_and_an_email(client, council):
    answer_everything(client)
    assert Application.objects.count() == 0, "nothing is stored before the applicant sends the application"
    check = client.get(APPLY + "check/").content.decode()
    assert "Check your answers" in check and "Maria Evans" in check and "CAD1234" in check
    response = client.post(APPLY + "check/", sent())
    assert response["Location"] == APPLY + "confirmation/"
    application = Application.objects.get()
    assert application.channel == "online" and application.owner_agency == council
    assert application.applicant_postcode == "HA8 9BE"
    assert application.incidents.count() == 3
    assert application.acknowledged_at is not None and application.acknowledgement_method == "email"
    assert application.history.first().history_change_reason == "Acknowledged by email"
    confirmation = client.get(APPLY + "confirmation/").content.decode()
    assert application.reference in confirmation and "Application sent" in confirmation
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]
    assert application.reference in mail.outbox[0].subject
    assert application.threshold_decision_by.strftime("%-d %B %Y") in mail.outbox[0].body
    assert "triggers_public_application" not in client.session, "answers are cleared once sent"


def test_applying_for_someone_else_needs_their_consent(client, council):
    client.post(APPLY, {"applying_for": ApplyingFor.SOMEONE_ELSE})
    response = client.post(APPLY + "victim/", {"victim_name": "Yusuf Khan", "victim_relationship": "Son"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Confirm that the person affected has agreed to you applying for them" in page
    assert client.get(APPLY + "contact/")["Location"] == APPLY + "victim/", "cannot skip the consent question"
    client.cookies.clear()
    client = Client()
    answer_everything(client, someone_else=True)
    client.post(APPLY + "check/", sent())
    application = Application.objects.get()
    assert application.victim_name == "Yusuf Khan" and application.victim_consent


def test_invalid_answers_show_a_govuk_error_summary_and_store_nothing(client):
    client.post(APPLY, {"applying_for": ApplyingFor.SELF})
    response = client.post(APPLY + "contact/", {**CONTACT, "applicant_name": "", "applicant_email": "not-an-email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("There is a problem") == 1
    assert '<a href="#id_applicant_name">Enter your full name</a>' in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "<title>Error: " in page
    assert "contact" not in client.session.get("triggers_public_application", {})

    client.post(APPLY + "contact/", CONTACT)
    client.post(APPLY + "problem/", PROBLEM)
    future = incident(0)
    future.update(date_fields("occurred_on", timezone.localdate() + timedelta(days=3)))
    page = client.post(APPLY + "incidents/", future).content.decode()
    assert "The date it happened must be today or in the past" in page
    page = client.post(APPLY + "incidents/", {**incident(10), "occurred_on_0": "31", "occurred_on_1": "2"}).content
    assert "The date it happened must be a real date" in page.decode()
    page = client.post(APPLY + "incidents/", {"action": "continue"}).content.decode()
    assert "Add at least one incident you reported before you continue" in page
    assert client.get(APPLY + "check/")["Location"] == APPLY + "incidents/"
    assert client.post(APPLY + "check/", sent()).status_code == 302
    assert Application.objects.count() == 0 and ApplicationIncident.objects.count() == 0


def test_contact_by_email_needs_an_email_address(client):
    client.post(APPLY, {"applying_for": ApplyingFor.SELF})
    page = client.post(APPLY + "contact/", {**CONTACT, "applicant_email": ""}).content.decode()
    assert "Enter your email address so we can contact you by email" in page


def test_a_bot_filling_the_honeypot_is_refused(client, council):
    assert client.post(APPLY, {"applying_for": ApplyingFor.SELF, "website": "http://spam.example"}).status_code == 400
    answer_everything(client)
    response = client.post(APPLY + "check/", {"website": "http://spam.example", **sent()})
    assert response.status_code == 400
    assert Application.objects.count() == 0
    assert len(mail.outbox) == 0


def test_posts_without_a_csrf_token_are_refused(council):
    client = Client(enforce_csrf_checks=True)
    assert client.get(APPLY).status_code == 200
    assert client.post(APPLY, {"applying_for": ApplyingFor.SELF}).status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post(APPLY, {"applying_for": ApplyingFor.SELF, "csrfmiddlewaretoken": token}).status_code == 302


def test_the_rate_limit_holds_per_client_address(settings):
    settings.TRIGGERS = {"RATE_LIMIT": {"POSTS": 3, "WINDOW_SECONDS": 600}}
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        assert client.post(APPLY, {"applying_for": ApplyingFor.SELF}).status_code == 302
    blocked = client.post(APPLY, {"applying_for": ApplyingFor.SELF})
    assert blocked.status_code == 429
    assert "too many attempts" in blocked.content.decode().lower()
    assert client.get(APPLY).status_code == 200, "reading the form is never blocked"
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(APPLY, {"applying_for": ApplyingFor.SELF}).status_code == 302


def test_submissions_are_limited_too(settings, council):
    settings.TRIGGERS = {"RATE_LIMIT": {"SUBMISSIONS": 1}}
    client = Client(REMOTE_ADDR="203.0.113.9")
    answer_everything(client)
    client.post(APPLY + "check/", sent())
    answer_everything(client)
    assert client.post(APPLY + "check/", sent()).status_code == 429
    assert Application.objects.count() == 1


def test_a_failing_mail_server_never_loses_the_application(client, council, settings):
    settings.EMAIL_BACKEND = "tests.triggers.test_public_form.BrokenEmailBackend"
    answer_everything(client)
    response = client.post(APPLY + "check/", sent())
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.acknowledged_at is None
    assert application.next_due == application.acknowledge_by, "staff see that the acknowledgement is still due"
    assert application.reference in client.get(APPLY + "confirmation/").content.decode()


def test_answers_can_be_changed_from_the_check_page(client, council):
    answer_everything(client)
    response = client.post(APPLY + "problem/?change=1", {**PROBLEM, "problem_location": "Burnt Oak Broadway"})
    assert response["Location"] == APPLY + "check/"
    assert "Burnt Oak Broadway" in client.get(APPLY + "check/").content.decode()
    client.post(APPLY + "incidents/", {"action": "remove", "index": "0"})
    client.post(APPLY + "check/", sent())
    assert Application.objects.get().incidents.count() == 2


def test_confirmation_without_an_application_goes_back_to_the_start(client):
    assert client.get(APPLY + "confirmation/")["Location"] == "/triggers/public/"
    assert client.get(APPLY + "nonsense/").status_code == 404


# --- Abuse of the form to send council-branded mail, and bots (issue #22, MEDIUM) -------------------------


def test_nothing_the_applicant_typed_reaches_the_email_but_their_reference(client, council):
    """The acknowledgement goes to whatever address was typed: a phishing text in the name (or anywhere
    else) must never travel in a council-branded email."""
    phishing = "Your council tax refund: claim at http://evil.example/refund"
    answer_everything(client)
    answers = client.session["triggers_public_application"]
    answers["contact"]["applicant_name"] = phishing
    answers["problem"]["problem_description"] = phishing + " " + PROBLEM["problem_description"]
    session = client.session
    session["triggers_public_application"] = answers
    session.save()
    assert client.post(APPLY + "check/", sent())["Location"] == APPLY + "confirmation/"
    application = Application.objects.get()
    (message,) = mail.outbox
    for part in (message.subject, message.body, *[str(v) for v in message.extra_headers.values()]):
        assert "evil.example" not in part and "refund" not in part.lower()
        assert "Maria" not in part and "Deansbrook" not in part
    assert application.reference in message.body and application.reference in message.subject


def test_a_submission_faster_than_a_person_could_type_is_refused_with_a_clear_message(client, council):
    answer_everything(client)
    page = client.get(APPLY + "check/").content.decode()
    assert 'name="form_started"' in page
    too_fast = client.post(APPLY + "check/", sent(started_seconds_ago=2))
    assert too_fast.status_code == 400
    assert "sent too quickly" in too_fast.content.decode()
    missing = client.post(APPLY + "check/")
    assert missing.status_code == 400 and "Go back to the start" in missing.content.decode()
    forged = client.post(APPLY + "check/", {"form_started": "1700000000"})
    assert forged.status_code == 400
    assert Application.objects.count() == 0 and len(mail.outbox) == 0
    assert client.post(APPLY + "check/", sent()).status_code == 302


def test_the_check_page_carries_when_the_applicant_started(client, council):
    """The token the page renders is the time of the first question page, signed: not the time of the check
    page (a bot fetching the check page and waiting a moment still fails)."""
    from triggers import botcheck

    answer_everything(client)
    page = client.get(APPLY + "check/").content.decode()
    token = page.split('name="form_started" value="', 1)[1].split('"', 1)[0]
    assert botcheck.age(token) is not None and botcheck.age(token) < 60


def test_the_rate_limit_uses_the_shared_cache_and_the_real_client_address(settings, council):
    from django.core.cache import cache

    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRIGGERS = {"RATE_LIMIT": {"POSTS": 2, "WINDOW_SECONDS": 600}}
    spoofing = Client(REMOTE_ADDR="10.0.0.1")
    for forged in ("1.1.1.1", "2.2.2.2"):
        header = {"HTTP_X_FORWARDED_FOR": f"{forged}, 203.0.113.5"}
        assert spoofing.post(APPLY, {"applying_for": ApplyingFor.SELF}, **header).status_code == 302
    header = {"HTTP_X_FORWARDED_FOR": "3.3.3.3, 203.0.113.5"}
    assert spoofing.post(APPLY, {"applying_for": ApplyingFor.SELF}, **header).status_code == 429
    assert cache.get("triggers:ratelimit:POSTS:203.0.113.5") == 3


def test_the_housing_example_is_a_hint_never_part_of_the_answer(client, council):
    """#17: "Housing provider (for example Barnet Homes)" was echoed back as the applicant's answer."""
    answer_everything(client)
    page = client.get(APPLY + "incidents/").content.decode()
    assert "For example, Barnet Homes" in page and "(for example Barnet Homes)" not in page
    client.post(APPLY + "incidents/", incident(10, to="housing"))
    check = client.get(APPLY + "check/").content.decode()
    assert (
        "Reported to Housing provider on" in check and "for example" not in check.lower().split("reported to")[-1][:80]
    )
