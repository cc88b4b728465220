"""The case list's rows, written in Python (casework/templatetags/case_list.py), are the old template loop's markup."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from casework import selectors, services
from casework.models import Case, CaseCategory, CaseOutcome, CaseStatus, RiskLevel
from casework.templatetags.case_list import case_list_rows
from tests.factories import CaseFactory, WardFactory

#: The loop templates/casework/case_list.html held before, as it was.
OLD_ROWS = Template(
    "{% load ui case_tags %}"
    """      {% for case in page.rows %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'casework:case_detail' case.reference %}">{{ case.reference }}</a></td>
          <td class="govuk-table__cell">{{ case.title }}<br><span class="govuk-hint">{{ case.get_category_display }}{% if case.officer %} · {{ case.officer.get_full_name }}{% endif %}</span></td>
          <td class="govuk-table__cell">{{ case.ward.name }}</td>
          <td class="govuk-table__cell">{{ case.lead_agency.name }}</td>
          <td class="govuk-table__cell">{% include "components/tag.html" with text=case.get_status_display colour=case.status|status_colour %}</td>
          <td class="govuk-table__cell">{{ case.get_risk_level_display }}</td>
          <td class="govuk-table__cell">{{ case.opened_at|govuk_date:"short" }}</td>
        </tr>
      {% endfor %}"""  # noqa: E501
)
NEW_ROWS = Template("{% load case_list %}      {% case_list_rows page.rows %}")

LONDON = ZoneInfo("Europe/London")


@pytest.mark.django_db
def test_the_rows_are_the_old_loops_markup_for_every_status_risk_and_awkward_value(officer, housing_user, ward):
    officer.first_name, officer.last_name = "Zoë <b>", 'O\'Brien & "Co"'
    officer.save()
    odd_ward = WardFactory(name="Hale <ward> & 'Mill'")
    opened = [
        datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("UTC")),  # the night the clocks go forward
        datetime(2026, 10, 24, 23, 30, tzinfo=ZoneInfo("UTC")),  # 25 October in London
        datetime(2026, 12, 31, 23, 59, tzinfo=LONDON),
        datetime(2027, 1, 1, 0, 0, tzinfo=LONDON),
    ]
    statuses, risks, categories = list(CaseStatus), list(RiskLevel), list(CaseCategory)
    cases = []
    for i in range(12):
        case = CaseFactory(
            by=officer,
            ward=odd_ward if i % 2 else ward,
            title=["<script>alert('x')</script>", 'Noise & "fumes"', "Plain title"][i % 3],
            category=categories[i % len(categories)],
            opened_at=opened[i % len(opened)],
        )
        status = statuses[i % len(statuses)]
        Case.objects.filter(pk=case.pk).update(
            status=status,
            risk_level=risks[i % len(risks)],
            officer=officer if i % 3 else None,
            **({"closed_at": case.opened_at, "outcome": CaseOutcome.RESOLVED} if status == CaseStatus.CLOSED else {}),
        )
        cases.append(case)
    # references a template's {% url %} quotes: spaces, ampersands, quotes, accents, percent signs
    for case, reference in zip(cases, ["ASB 2026 1", "A&B<1>", "Q'\"x", "Zoë-1", "50%-off", "a+b=c;d"], strict=False):
        Case.objects.filter(pk=case.pk).update(reference=reference)
    rows = list(selectors.case_list(user=officer).order_by("-opened_at", "-id"))
    assert len(rows) == 12
    assert {row.status for row in rows} == set(statuses)
    assert {row.risk_level for row in rows} == set(risks)
    assert any(row.officer is None for row in rows)

    old = OLD_ROWS.render(Context({"page": {"rows": rows}}))
    new = NEW_ROWS.render(Context({"page": {"rows": rows}}))

    assert new == old
    assert "&lt;script&gt;" in new and "<script>" not in new
    assert 'href="/cases/A&amp;B%3C1%3E/"' in new


@pytest.mark.django_db
def test_a_reference_no_url_can_hold_fails_as_the_url_tag_did(officer, ward):
    from django.urls import NoReverseMatch

    case = CaseFactory(by=officer, ward=ward)
    Case.objects.filter(pk=case.pk).update(reference="A/B")
    with pytest.raises(NoReverseMatch):
        case_list_rows(list(selectors.case_list(user=officer)))


@pytest.mark.django_db
def test_the_case_list_page_shows_the_rows(client, officer, ward):
    case = CaseFactory(by=officer, ward=ward, title="Graffiti <on> the bridge")
    services.transition_case(case=case, to=CaseStatus.INVESTIGATING, by=officer)
    client.force_login(officer)

    body = client.get("/cases/").content.decode()

    assert f'<a class="govuk-link" href="/cases/{case.reference}/">{case.reference}</a>' in body
    assert "Graffiti &lt;on&gt; the bridge<br>" in body
    assert '<strong class="govuk-tag govuk-tag--yellow">Investigating</strong>' in body
