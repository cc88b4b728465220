"""Adjourning a closure-order hearing (s81(3)-(4)): at most 14 days from the hearing adjourned, the notice
optionally continued in force until then, the new hearing on the notice, its deadlines and its history."""

from datetime import datetime, time, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework.errors import InvalidTransition, NotAllowed
from enforcement import presenters, selectors, services
from enforcement.models import ClosureHearingAdjournment, ClosureNotice
from tests.factories import make_closure_order, make_heard_closure_notice

pytestmark = pytest.mark.django_db


def at(day, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def hearing_day(notice):
    return timezone.localtime(notice.hearing_at).date()


def adjourn(notice, by, *, days: int = 10, hour: int = 10, continues: bool = True, **overrides):
    data = {
        "adjourned_on": hearing_day(notice),
        "new_hearing_at": at(hearing_day(notice) + timedelta(days=days), hour),
        "notice_continues": continues,
        "reason": "To let the occupier show why an order should not be made",
    }
    data.update(overrides)
    return services.adjourn_closure_hearing(notice=notice, by=by, **data)


def latest_history(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


@pytest.fixture
def notice(case, officer):
    return make_heard_closure_notice(case=case, by=officer)


def unchanged(notice) -> dict:
    notice.refresh_from_db()
    return {
        "hearing_at": notice.hearing_at,
        "hearing_deadline": notice.hearing_deadline,
        "expires_at": notice.expires_at,
        "history": ClosureNotice.history.filter(id=notice.pk).count(),
        "adjournments": ClosureHearingAdjournment.objects.count(),
        "adjournment_history": ClosureHearingAdjournment.history.count(),
    }


# --- The rules ------------------------------------------------------------------------------------------


def test_an_adjournment_moves_the_hearing_and_continues_the_notice(notice, officer):
    original_hearing, original_expiry = notice.hearing_at, notice.expires_at
    adjournment = adjourn(notice, officer, days=10)
    notice.refresh_from_db()
    new_hearing = at(timezone.localtime(original_hearing).date() + timedelta(days=10))
    assert notice.hearing_at == new_hearing
    assert notice.expires_at == new_hearing  # continued in force until the adjourned hearing (s81(4))
    latest = timezone.localtime(notice.hearing_deadline)
    assert latest.date() == timezone.localtime(original_hearing).date() + timedelta(days=14)
    assert (latest.hour, latest.minute) == (23, 59)
    assert adjournment.adjourned_hearing_at == original_hearing
    assert adjournment.previous_expires_at == original_expiry
    assert adjournment.case_id == notice.case_id and adjournment.recorded_by == officer
    assert notice.status == "in_force"


def test_without_a_continuation_the_notice_keeps_its_expiry(notice, officer):
    expiry = notice.expires_at
    adjourn(notice, officer, continues=False)
    notice.refresh_from_db()
    assert notice.expires_at == expiry
    assert not notice.adjournments.get().notice_continues


def test_the_fourteenth_day_is_allowed_and_the_fifteenth_refused_naming_the_rule(notice, officer):
    before = unchanged(notice)
    with pytest.raises(NotAllowed) as refusal:
        adjourn(notice, officer, days=15, hour=9)
    message = str(refusal.value)
    assert "at most 14 days" in message and "s81(3)" in message
    last_day = hearing_day(notice) + timedelta(days=14)
    assert presenters.d(last_day) in message
    assert unchanged(notice) == before  # nothing half-saved
    adjourn(notice, officer, days=14, hour=16)
    notice.refresh_from_db()
    assert hearing_day(notice) == last_day


def test_a_second_adjournment_runs_from_the_hearing_it_adjourns(case, officer):
    notice = make_heard_closure_notice(case=case, by=officer, days_ago=20)
    first_hearing = hearing_day(notice)
    adjourn(notice, officer, days=10)
    notice.refresh_from_db()
    second_hearing = hearing_day(notice)
    with pytest.raises(NotAllowed, match="at most 14 days"):
        adjourn(notice, officer, adjourned_on=second_hearing, new_hearing_at=at(second_hearing + timedelta(days=15)))
    second = adjourn(
        notice, officer, adjourned_on=second_hearing, new_hearing_at=at(second_hearing + timedelta(days=14))
    )
    notice.refresh_from_db()
    assert second.adjourned_hearing_at == at(second_hearing)
    assert hearing_day(notice) - first_hearing == timedelta(days=24)  # more than 14 from the first, by two steps
    assert [a.adjourned_hearing_at for a in selectors.adjournments_of(notice)] == [
        at(first_hearing, 9),
        at(second_hearing),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": "  "}, "Enter the court's reason for adjourning."),
        ({"adjourned_on_offset": -1}, "cannot be before then"),
        ({"new_hearing_offset_hours": -1}, "must be after the hearing it adjourns"),
    ],
)
def test_refusals_name_the_problem_and_save_nothing(notice, officer, overrides, message):
    before = unchanged(notice)
    data = dict(overrides)
    if "adjourned_on_offset" in data:
        data["adjourned_on"] = hearing_day(notice) + timedelta(days=data.pop("adjourned_on_offset"))
    if "new_hearing_offset_hours" in data:
        data["new_hearing_at"] = notice.hearing_at + timedelta(hours=data.pop("new_hearing_offset_hours"))
    with pytest.raises(NotAllowed) as refusal:
        adjourn(notice, officer, **data)
    assert message in str(refusal.value)
    assert unchanged(notice) == before


def test_a_decided_notice_cannot_be_adjourned(case, officer):
    order = make_closure_order(case=case, by=officer)
    with pytest.raises(InvalidTransition, match="only a hearing still to be decided can be adjourned"):
        adjourn(order.notice, officer)
    assert not ClosureHearingAdjournment.objects.exists()


def test_only_users_who_may_change_the_case_can_adjourn(shared_case, notice, housing_user, police_user):
    for user in (housing_user, police_user):  # shared view-only; not shared at all
        with pytest.raises(NotAllowed):
            adjourn(notice, user)
    assert not ClosureHearingAdjournment.objects.exists()


def test_the_decision_after_an_adjournment_is_checked_against_the_14_day_limit(case, officer):
    notice = make_heard_closure_notice(case=case, by=officer, days_ago=20)
    adjourn(notice, officer, days=10)
    notice.refresh_from_db()
    with pytest.raises(NotAllowed, match="within 14 days of the hearing it adjourned"):
        services.refuse_closure_order(notice=notice, by=officer, heard_at=notice.hearing_deadline + timedelta(hours=1))
    order = services.grant_closure_order(
        notice=notice,
        by=officer,
        heard_at=notice.hearing_at,  # 10 days after the first hearing: past the 48 hours, within the adjournment
        court="Willesden Magistrates' Court",
        scope="full",
        starts_on=hearing_day(notice),
        ends_on=hearing_day(notice) + timedelta(days=30),
    )
    assert order.heard_at == notice.hearing_at


def test_an_extension_never_shortens_a_continuation_the_court_ordered(notice, officer):
    adjourn(notice, officer, days=10, continues=True)
    notice.refresh_from_db()
    continued = notice.expires_at
    services.extend_closure_notice(
        notice=notice,
        by=officer,
        total_hours=48,
        extended_by_role="council_chief_executive",
        extended_by_name="A Delegate",
        decided_at=notice.served_at + timedelta(hours=2),
    )
    notice.refresh_from_db()
    assert notice.expires_at == continued


def test_history_rows_name_the_officer_and_the_change(notice, officer):
    adjournment = adjourn(notice, officer)
    row = latest_history(ClosureHearingAdjournment, adjournment.pk)
    assert row.history_type == "+" and row.history_user == officer
    assert row.history_change_reason.startswith("Closure hearing adjourned to")
    notice_row = latest_history(ClosureNotice, notice.pk)
    assert notice_row.history_user == officer
    assert "Hearing adjourned to" in notice_row.history_change_reason
    assert "continued in force" in notice_row.history_change_reason


# --- The deadlines ---------------------------------------------------------------------------------------


def test_my_work_and_the_register_show_the_adjourned_hearing(client, notice, officer):
    adjourn(notice, officer, days=10)
    notice.refresh_from_db()
    (item,) = [d for d in selectors.deadlines(user=officer, scope="mine") if d.kind == "Closure notice: court hearing"]
    assert item.due_at == notice.hearing_at and item.due == hearing_day(notice)
    assert item.label.startswith("Adjourned closure order hearing") and not item.overdue
    client.force_login(officer)
    assert "Adjourned closure order hearing" in client.get("/").content.decode()
    register = client.get(reverse("enforcement:closure_list")).content.decode()
    assert presenters.d(notice.hearing_at) in register
    assert ">Overdue</strong>" not in register  # the 48 hours have passed, but the court adjourned within them


# --- The screens -----------------------------------------------------------------------------------------


def form_post(notice, *, days: int = 10, continues: str = "yes", reason: str = "Occupier asked for time") -> dict:
    day = hearing_day(notice)
    return {
        "adjourned_on_0": str(day.day),
        "adjourned_on_1": str(day.month),
        "adjourned_on_2": str(day.year),
        "new_hearing_at": f"{(day + timedelta(days=days)).isoformat()}T10:00",
        "notice_continues": continues,
        "reason": reason,
    }


def test_an_officer_adjourns_through_the_screens_and_the_detail_page_shows_it(client, notice, officer):
    client.force_login(officer)
    detail = reverse("enforcement:closure_detail", args=[notice.pk])
    url = reverse("enforcement:closure_adjourn", args=[notice.pk])
    assert f'href="{url}"' in client.get(detail).content.decode()
    page = client.get(url).content.decode()
    assert "at most 14 days (s81(3))" in page
    response = client.post(url, form_post(notice))
    assert response.status_code == 302 and response["Location"] == detail
    adjournment = notice.adjournments.get()
    assert adjournment.notice_continues and adjournment.recorded_by == officer
    views_before = AccessLog.objects.filter(object_type="closure_notice", object_id=notice.pk).count()
    body = client.get(detail).content.decode()
    assert "Hearing adjournments" in body and "Occupier asked for time" in body
    assert "Adjourned to" in body and "the notice continues in force until then" in body
    assert "Continued in force by the court" in body
    assert AccessLog.objects.filter(object_type="closure_notice", object_id=notice.pk).count() == views_before + 1


def test_the_screen_shows_the_14_day_refusal_and_saves_nothing(client, notice, officer):
    client.force_login(officer)
    response = client.post(reverse("enforcement:closure_adjourn", args=[notice.pk]), form_post(notice, days=15))
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "at most 14 days" in body
    assert not notice.adjournments.exists()


def test_the_screen_asks_for_the_missing_answers(client, notice, officer):
    client.force_login(officer)
    response = client.post(reverse("enforcement:closure_adjourn", args=[notice.pk]), {})
    body = response.content.decode()
    assert "Enter the date the court adjourned the hearing" in body
    assert "Say whether the court ordered the closure notice to continue in force" in body
    assert "Enter the court&#x27;s reason for adjourning" in body
    assert not notice.adjournments.exists()


def test_a_view_only_partner_gets_403_and_an_unshared_partner_404(
    client, shared_case, notice, housing_user, police_user
):
    url = reverse("enforcement:closure_adjourn", args=[notice.pk])
    client.force_login(housing_user)
    assert client.get(url).status_code == 403
    assert client.post(url, form_post(notice)).status_code == 403
    detail = client.get(reverse("enforcement:closure_detail", args=[notice.pk])).content.decode()
    assert url not in detail  # no button for someone who cannot use it
    client.force_login(police_user)
    assert client.get(url).status_code == 404
    assert client.post(url, form_post(notice)).status_code == 404
    assert not notice.adjournments.exists()


def test_the_case_timeline_shows_the_adjournment(client, notice, officer):
    adjourn(notice, officer)
    client.force_login(officer)
    body = client.get(f"/cases/{notice.case.reference}/timeline/").content.decode()
    assert "Closure hearing adjourned to" in body


def test_the_printed_notice_keeps_the_hearing_it_was_served_with(client, notice, officer):
    served_hearing = notice.hearing_at
    adjourn(notice, officer)
    notice.refresh_from_db()
    html = render_to_string(
        "enforcement/print/closure_notice.html",
        {
            "record": notice,
            "hearing_as_served": served_hearing,
            "expires_as_served": notice.adjournments.get().previous_expires_at,
            "order_max_months": 3,
            "order_total_months": 6,
        },
    )
    assert f"will be heard at {presenters.d(served_hearing)}" in html
    assert presenters.d(notice.hearing_at) not in html
    client.force_login(officer)
    assert client.get(reverse("enforcement:closure_pdf", args=[notice.pk])).status_code == 200


def test_opening_the_adjournment_form_is_logged_as_a_read(client, officer, case):
    notice = make_heard_closure_notice(case=case, by=officer)
    client.force_login(officer)
    assert client.get(reverse("enforcement:closure_adjourn", args=[notice.pk])).status_code == 200
    row = AccessLog.objects.filter(user=officer, case_id=case.pk, action="view").latest("id")
    assert row.details == {"page": "form"} and row.object_id == str(notice.pk)
