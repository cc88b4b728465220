"""The GOV.UK Notify path, against a local HTTP server that checks the request as Notify's API documents it:
POST /v2/notifications/email (or /sms), a Bearer JWT signed HS256 with the key's secret, `iss` the service id
and `iat` now, and a JSON body with the address, the template id, the personalisation and our reference."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from casework import services
from casework.models import LegalBasis
from notifications.models import Channel, Delivery, DeliveryStatus, NotificationPreference

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"casework_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = str(uuid.uuid4())
SMS_TEMPLATE = str(uuid.uuid4())


class FakeNotify(BaseHTTPRequestHandler):
    received: list = []
    problems: list = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        problems = []
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": True})
            if scheme != "Bearer" or claims["iss"] != SERVICE_ID or abs(claims["iat"] - time.time()) > 30:
                problems.append(f"bad token claims {claims}")
        except jwt.PyJWTError as error:
            problems.append(f"bad token: {error}")
        if self.headers.get("Content-Type") != "application/json":
            problems.append("not JSON")
        if self.path == "/v2/notifications/email":
            required, template = {"email_address", "template_id", "personalisation"}, EMAIL_TEMPLATE
        elif self.path == "/v2/notifications/sms":
            required, template = {"phone_number", "template_id", "personalisation"}, SMS_TEMPLATE
        else:
            required, template = set(), None
            problems.append(f"unknown path {self.path}")
        if not required <= set(body) or body.get("template_id") != template:
            problems.append(f"bad body {body}")
        type(self).received.append((self.path, body))
        type(self).problems.extend(problems)
        status, answer = (400, {"errors": problems}) if problems else (201, {"id": str(uuid.uuid4())})
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake_notify(settings):
    FakeNotify.received, FakeNotify.problems = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": f"http://127.0.0.1:{server.server_port}",
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
    }
    yield FakeNotify
    server.shutdown()


@pytest.mark.django_db
def test_email_and_sms_go_through_gov_notify_when_it_is_configured(
    fake_notify, case, officer, barnet_homes, housing_user, run_jobs
):
    NotificationPreference.objects.create(user=housing_user, mobile_number="07700900982")
    services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="x", by=officer)
    run_jobs()

    assert fake_notify.problems == []
    paths = sorted(path for path, _ in fake_notify.received)
    assert paths == ["/v2/notifications/email", "/v2/notifications/sms"]
    email = next(body for path, body in fake_notify.received if path.endswith("email"))
    assert email["email_address"] == housing_user.email
    assert case.reference in email["personalisation"]["body"]
    assert email["reference"].startswith("delivery-")
    sms = next(body for path, body in fake_notify.received if path.endswith("sms"))
    assert sms["phone_number"] == "07700900982"
    for delivery in Delivery.objects.all():
        assert delivery.status == DeliveryStatus.SENT and delivery.provider == "notify" and delivery.provider_reference
    assert set(Delivery.objects.values_list("channel", flat=True)) == {Channel.EMAIL, Channel.SMS}


@pytest.mark.django_db
def test_a_notify_refusal_is_recorded_and_retried(
    fake_notify, settings, case, officer, barnet_homes, housing_user, run_jobs
):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "NOTIFY_EMAIL_TEMPLATE_ID": str(uuid.uuid4())}  # unknown
    services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="x", by=officer)
    run_jobs()
    delivery = Delivery.objects.get(recipient=housing_user.email)
    assert delivery.status == DeliveryStatus.RETRYING
    assert "400" in delivery.last_error
