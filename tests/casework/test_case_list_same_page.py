"""The case list's faster paths (compiled drop-downs and page query, `common.html_text.escape_text`) give byte
for byte the page, the queries and the access-log rows of the plain paths (the ORM's drop-down and page queries,
Django's conditional_escape), for each kind of list request and user (issue 23)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import conditional_escape

from audit.models import AccessLog
from casework import roles, selectors, services, views
from casework.filters import NameChoiceField
from casework.models import CaseStatus, LegalBasis
from casework.templatetags import case_list
from common import field_html
from tests.factories import AgencyFactory, CaseFactory, WardFactory, make_member

_VARYING = (
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
)

_NOW = re.compile(r"'\d{4}-\d\d-\d\d[ T][0-9:.+]+'(::timestamptz)?")


def _page(client, url: str) -> tuple[str, list[str], list[dict]]:
    """The page with what differs on every request (CSP nonce, CSRF token) blanked, its queries and its log row."""
    before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for pattern, blank in _VARYING:
        body = pattern.sub(blank, body)
    rows = list(AccessLog.objects.order_by("pk").values("user_id", "action", "object_type", "details", "path")[before:])
    # statements as sent, minus the access log's own values and the clock (they differ on every request)
    sql = [
        _NOW.sub("now", re.sub(r"INSERT INTO \"audit_accesslog\".*", "INSERT audit_accesslog", q["sql"]))
        for q in queries
    ]
    return body, sql, rows


def _plain_paths(monkeypatch) -> None:
    monkeypatch.setattr(
        NameChoiceField, "choice_rows", lambda self, key: list(self.queryset.values_list(key, *self.label_columns))
    )
    monkeypatch.setattr(case_list, "escape_text", conditional_escape)
    monkeypatch.setattr(views, "_status_and_ward", lambda case_filter: None)  # the page through the ORM
    monkeypatch.setattr(field_html, "escape_text", conditional_escape)
    monkeypatch.setattr(field_html, "_text", lambda value: conditional_escape(field_html.localize(value)))


@pytest.mark.django_db
def test_each_kind_of_list_page_is_the_plain_paths_page(client, monkeypatch, officer, housing_user, manager, ward):
    officer.first_name, officer.last_name = "Zoë <b>", 'O\'Brien & "Co"'
    officer.save()
    odd_ward = WardFactory(name="Hale <ward> & 'Mill'")
    AgencyFactory(name="Zeta 'Trust' & <Sons>", short_name="zeta")
    make_member(officer.membership.agency, roles.ENFORCEMENT_OFFICER, "nameless", first_name="", last_name="")
    now = timezone.now()
    for i in range(30):
        case = CaseFactory(
            by=officer,
            ward=odd_ward if i % 2 else ward,
            title=["<script>alert('x')</script>", 'Noise & "fumes"', "Plain title"][i % 3],
            opened_at=now - timedelta(hours=i),
        )
        if i % 4 == 0:
            services.transition_case(case=case, to=CaseStatus.INVESTIGATING, by=officer)
        if i % 3 == 0:
            services.share_case(
                case=case,
                agency=housing_user.membership.agency,
                legal_basis=LegalBasis.CDA_S115,
                purpose="Tenancy enforcement",
                by=officer,
            )
    filtered = f"/cases/?status=open&status=investigating&ward={odd_ward.pk}"
    for user in (officer, housing_user, manager):
        client.force_login(user)
        first = client.get("/cases/?per_page=25").content.decode()
        next_link = re.search(r'href="(\?[^"]*)" rel="next"', first)
        urls = ["/cases/", "/cases/?page=last", filtered, "/cases/?ward=999999&q=%3Cb%3E"]
        if next_link:
            urls.append("/cases/" + unescape(next_link.group(1)))
        assert user == housing_user or next_link  # the officer and the manager see 30 cases: a second page
        fast = [_page(client, url) for url in urls]
        with monkeypatch.context() as patch:
            _plain_paths(patch)
            plain = [_page(client, url) for url in urls]
        for url, (fast_body, fast_sql, fast_log), (plain_body, plain_sql, plain_log) in zip(
            urls, fast, plain, strict=True
        ):
            assert fast_body == plain_body, url
            assert fast_sql == plain_sql, url
            assert fast_log == plain_log, url
        assert "Hale &lt;ward&gt; &amp; &#x27;Mill&#x27;" in fast[0][0]
    assert all(selectors._CASE_PAGE._local.plans.values())  # the fast pages were compiled, not the ORM's
