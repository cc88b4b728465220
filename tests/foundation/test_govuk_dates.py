"""One way of writing dates and times everywhere, GOV.UK style."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

from common.dates import govuk_date, govuk_datetime, govuk_time

LONDON = ZoneInfo("Europe/London")


def test_times_read_as_gov_uk_writes_them():
    assert govuk_time(datetime(2026, 12, 3, 16, 23)) == "4:23pm"
    assert govuk_time(datetime(2026, 12, 3, 9, 5)) == "9:05am"
    assert govuk_time(datetime(2026, 12, 3, 17, 0)) == "5pm"
    assert govuk_time(datetime(2026, 12, 3, 12, 0)) == "midday"
    assert govuk_time(datetime(2026, 12, 3, 0, 0)) == "midnight"
    assert govuk_time(datetime(2026, 12, 3, 0, 0, 7), seconds=True) == "12:00:07am"


def test_dates_and_date_times():
    assert govuk_date(date(2026, 12, 3)) == "3 December 2026"
    assert govuk_date(date(2026, 12, 3), short=True) == "3 Dec 2026"
    assert govuk_date(date(2026, 12, 3), weekday=True) == "Thursday 3 December 2026"
    assert govuk_datetime(datetime(2026, 12, 3, 16, 23, tzinfo=LONDON)) == "3 December 2026 at 4:23pm"


def test_aware_times_show_in_london_time_across_summer_time():
    summer = datetime(2026, 7, 1, 15, 30, tzinfo=ZoneInfo("UTC"))
    assert govuk_datetime(summer) == "1 July 2026 at 4:30pm"


def test_the_filters_are_built_into_every_template():
    rendered = Template(
        "{{ when|govuk_datetime }}|{{ when|govuk_datetime:'seconds' }}|{{ day|govuk_date:'short' }}|"
        "{{ when|govuk_time }}|{{ nothing|govuk_date }}"
    ).render(Context({"when": datetime(2026, 12, 3, 16, 23, 5, tzinfo=LONDON), "day": date(2026, 12, 3)}))
    assert rendered == "3 December 2026 at 4:23pm|3 December 2026 at 4:23:05pm|3 Dec 2026|4:23pm|"


def test_no_template_writes_a_time_its_own_way():
    """Times go through the GOV.UK filters; a template with its own "H:i" would bring "16:23" back."""
    import re

    from django.conf import settings

    offenders = [
        f"{path}: {match}"
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for match in re.findall(r'\|(?:date|time):"[^"]*[HhGgisAa][^"]*"', path.read_text())
    ]
    assert not offenders, offenders


def test_no_message_pads_the_day_with_a_zero():
    """Messages, notices and emails built in Python use govuk_date: "%d %B" would write "03 December 2026"."""
    import re

    from django.conf import settings

    apps = [path for path in settings.BASE_DIR.iterdir() if (path / "apps.py").exists() or path.name == "common"]
    offenders = [
        f"{path}: {match}"
        for app in apps
        for path in app.rglob("*.py")
        if "migrations" not in path.parts
        for match in re.findall(r"%d %B", path.read_text())
    ]
    assert apps and not offenders, offenders


def test_table_head_writes_the_gov_uk_header_markup_once():
    rendered = Template('{% table_head "When" heading "Attempts" numeric="Attempts" %}').render(
        Context({"heading": "R&D <b>"})
    )
    assert rendered == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">When</th>'
        '<th scope="col" class="govuk-table__header">R&amp;D &lt;b&gt;</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Attempts</th>'
        "</tr></thead>"
    )


def test_table_head_expands_lists_leaves_out_empty_headings_and_hides_action_columns():
    rendered = Template('{% table_head "Record" columns show|yesno:"Case," "Actions" hidden="Actions" %}').render(
        Context({"columns": ["Made", "Last day"], "show": False})
    )
    assert rendered == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Record</th>'
        '<th scope="col" class="govuk-table__header">Made</th>'
        '<th scope="col" class="govuk-table__header">Last day</th>'
        '<th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>'
        "</tr></thead>"
    )


def test_govuk_table_writes_the_scrolling_region_caption_head_and_body_once():
    rendered = Template(
        '{% govuk_table caption "Who" "Why" caption_class="govuk-table__caption--m" testid="list" %}'
        '{% for row in rows %}<tr class="govuk-table__row"><td>{{ row }}</td></tr>{% endfor %}{% endgovuk_table %}'
    ).render(Context({"caption": "Tom & <Jerry>", "rows": ["<x>"]}))
    assert rendered == (
        '<div class="app-table-scroll" tabindex="0" role="region" aria-label="Tom &amp; &lt;Jerry&gt;">'
        '<table class="govuk-table" data-testid="list">\n'
        '  <caption class="govuk-table__caption govuk-table__caption--m">Tom &amp; &lt;Jerry&gt;</caption>\n'
        '  <thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Who</th><th scope="col" class="govuk-table__header">Why</th>'
        "</tr></thead>\n"
        '  <tbody class="govuk-table__body"><tr class="govuk-table__row"><td>&lt;x&gt;</td></tr></tbody>\n'
        "</table></div>"
    )
    plain = Template('{% govuk_table "Rows" "A" %}{% endgovuk_table %}').render(Context())
    assert '<caption class="govuk-table__caption govuk-visually-hidden">Rows</caption>' in plain
    assert "data-testid" not in plain
