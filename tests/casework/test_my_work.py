"""My work's own lists read in as few queries as the page needs (issue 23), holding exactly what they held."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import people, selectors, services
from casework.models import CaseOutcome, CaseStatus, PartyRole
from tests.factories import CaseFactory, open_cases_at_one_address

pytestmark = pytest.mark.django_db


def test_repeats_on_my_work_are_read_from_the_cases_the_page_read(officer, ward):
    """The repeats section takes the user's open cases and their addresses from the page (no second read of the
    cases), and flags exactly what reading them itself flags."""
    a, b = open_cases_at_one_address(by=officer, ward=ward)
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


# My work's rows as the page's template loops wrote them before they were written in Python (issue 23).
_TEMPLATE_ROWS = {
    "cases": """{% for case in rows %}<li><a class="govuk-link" href="{% url 'casework:case_detail' case.reference %}">{{ case.reference }}</a> {{ case.title }} <span class="govuk-hint">({{ case.get_status_display }}, {{ case.ward.name }})</span></li>{% endfor %}""",  # noqa: E501
    "shares": """{% for share in rows %}<li><a class="govuk-link" href="{% url 'casework:case_detail' share.case.reference %}">{{ share.case.reference }}</a> from {{ share.case.lead_agency.name }}, {{ share.shared_at|date:"j M" }}</li>{% endfor %}""",  # noqa: E501
    "actions": """{% now "Y-m-d" as today %}{% for action in rows %}<li><a class="govuk-link" href="{% url 'casework:case_actions' action.case.reference %}">{{ action.case.reference }}</a>: {% if action.source_label %}{% include "components/tag.html" with text=action.source_label colour="purple" %} {% endif %}{{ action.description|truncatewords:12 }} – due {{ action.due_date|govuk_date:"short" }}{% if action.due_date|date:"Y-m-d" < today %} {% include "components/tag.html" with text="Overdue" colour="red" %}{% endif %}</li>{% endfor %}""",  # noqa: E501
    "items": """{% for item in rows %}<li><a class="govuk-link" href="{{ item.href }}">{{ item.text }}</a>{% if item.due %} – due {{ item.due|govuk_date:"short" }}{% endif %}{% if item.overdue %} {% include "components/tag.html" with text="Overdue" colour="red" %}{% endif %}</li>{% endfor %}""",  # noqa: E501
}


def test_my_works_rows_written_in_python_are_the_markup_the_template_wrote(officer, ward, barnet_homes):
    """Each list's rows (casework.templatetags.my_work: one reverse a list, format_html) are, byte for byte, what
    the template's per-row `{% url %}`, includes and filters gave, markup in the data escaped the same way."""
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from django.template import engines

    from casework.extensions import WorkItem
    from casework.models import Action
    from casework.templatetags import my_work

    django_engine = engines["django"]
    case = CaseFactory(by=officer, ward=ward, officer=officer, title='<b>Noise</b> & "shouting"')
    today = timezone.localdate()
    words = "Visit <script>alert(1)</script> the address & speak to the neighbours about the noise at night again"
    actions = [
        Action(case=case, description=words, due_date=today - timedelta(days=1)),
        Action(case=case, description="Short & sweet", due_date=today),
        Action(case=case, description="Agreed at the panel", due_date=today + timedelta(days=3)),
    ]
    for action, label in zip(actions, ("", "", "MARAC <&>"), strict=True):
        action.source_label = label
    late_evening = timezone.make_aware(datetime.combine(today - timedelta(days=2), datetime.min.time())) - timedelta(
        minutes=30
    )
    shares = [SimpleNamespace(case=case, shared_at=late_evening), SimpleNamespace(case=case, shared_at=timezone.now())]
    items = [
        WorkItem(text="Contact the victim: <i>x</i> & y", href="/cases/a?b=1&c=<2>", due=today, overdue=True),
        WorkItem(text="No date", href="/x/"),
        WorkItem(text="A hearing", href="/y/", due=late_evening, overdue=False),
    ]
    cases = [case, CaseFactory(by=officer, ward=ward, officer=officer)]
    for name, rows, written in (
        ("cases", cases, my_work.my_work_case_rows(cases)),
        ("shares", shares, my_work.my_work_share_rows(shares)),
        ("actions", actions, my_work.my_work_action_rows(actions)),
        ("items", items, my_work.my_work_item_rows(items)),
    ):
        expected = django_engine.from_string(_TEMPLATE_ROWS[name]).render({"rows": rows})
        assert str(written) == expected, name
    assert "&lt;script&gt;" in my_work.my_work_action_rows(actions) and "<script>" not in my_work.my_work_action_rows(
        actions
    )


@pytest.mark.parametrize("url_name", ["casework:case_detail", "casework:case_victim", "casework:case_actions"])
@pytest.mark.parametrize("reference", ["ASB-2026-00001", "ASB 2026 1", "a&b?c#d", "é-ü", "x:y@z~!$'()*+,;="])
def test_my_works_links_are_the_ones_reverse_gives(url_name, reference):
    """My work's sections reverse each link once per list and fill in the reference (victim contacts and reviews,
    repeats, the case lists): the same address reverse() gives for that reference."""
    from django.urls import reverse

    from casework.templatetags.my_work import link_to

    assert link_to(url_name)(reference) == reverse(url_name, args=[reference])
