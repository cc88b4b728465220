"""The case list's filter fields written in Python (common.field_html) are crispy-forms-gds's markup, in every state.

Each form is rendered twice, through components/form_fields.html (crispy-forms-gds and Django's widget templates)
and through {% govuk_fields %}, from two instances built alike (crispy changes the widgets it renders), and the
two must be the same HTML: same elements, attributes and text (assertHTMLEqual ignores only whitespace between
them and the order of attributes).
"""

import difflib

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from casework import selectors
from casework.filters import CaseFilter
from casework.models import Agency, Ward
from common import field_html
from tests.factories import WardFactory

CRISPY = Template('{% include "components/form_fields.html" with form=form %}')
OURS = Template("{% govuk_fields form %}")


def assert_same_markup(make_form) -> str:
    crispy = CRISPY.render(Context({"form": make_form()}))
    ours = OURS.render(Context({"form": make_form()}))
    if parse_html(ours) != parse_html(crispy):
        expected, got = str(parse_html(crispy)).splitlines(), str(parse_html(ours)).splitlines()
        diff = difflib.unified_diff(expected, got, "crispy-forms-gds", "govuk_fields", lineterm="")
        pytest.fail("not crispy-forms-gds's markup:\n" + "\n".join(diff))
    return ours


def _case_filter(data, user):
    return lambda: CaseFilter(data, queryset=selectors.case_list(user=user), user=user).form


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"q": 'Flat 3 <b>"Smith" & co', "status": ["open", "monitoring"], "category": "asb", "risk_level": "high"},
        {"ward": "WARD", "lead_agency": "AGENCY", "officer": "OFFICER", "sort": "-opened"},
        {"opened_after": "2026-02-30", "opened_before": "yesterday", "ward": "999999", "status": ["no-such"]},
        {"sort": "nonsense", "category": "x", "officer": "0", "opened_after": "2026-01-05"},
    ],
)
def test_the_case_list_filter_is_crispy_forms_gds_markup(data, officer, housing_user, ward, council, monkeypatch):
    written, write = [], field_html._hint_and_errors
    monkeypatch.setattr(field_html, "_hint_and_errors", lambda field: written.append(field) or write(field))
    WardFactory(name='Burnt Oak & "Colindale" <b>')
    if data:
        data = {
            key: {"WARD": str(ward.pk), "AGENCY": str(council.pk), "OFFICER": str(officer.pk)}.get(value, value)
            if isinstance(value, str)
            else value
            for key, value in data.items()
        }
    for user in (officer, housing_user):
        html = assert_same_markup(_case_filter(data, user))
    assert "Burnt Oak &amp; &quot;Colindale&quot; &lt;b&gt;</option>" in html
    assert len(written) == 2 * 10  # every field of the filter written here, none left to crispy-forms-gds
    assert html.count("<option") >= Ward.objects.count() + Agency.objects.count()


@pytest.mark.django_db
def test_selected_values_and_errors_show_as_crispy_forms_gds_shows_them(officer, ward):
    data = {"status": ["open", "closed"], "ward": str(ward.pk), "opened_after": "2026-02-30", "q": "stairwell"}
    html = assert_same_markup(_case_filter(data, officer))
    assert 'value="open" checked="checked"' in html and f'<option value="{ward.pk}" selected>' in html
    assert 'value="stairwell"' in html and "govuk-form-group--error" in html and "govuk-error-message" in html


class EveryKind(forms.Form):
    """Every state a field of ours can be in, and the kinds of field left to crispy-forms-gds."""

    required_css_class = "app-required"
    error_css_class = "app-error"

    name = forms.CharField(label="Your <i>name</i>", help_text="As on your <b>badge</b>", max_length=20)
    email = forms.EmailField(required=False, disabled=True, initial="a@example.org")
    count = forms.IntegerField(required=False, localize=True, initial=12345)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input x"}))
    kind = forms.ChoiceField(
        choices=[("", "Any"), ("People", [("a", "Adult"), ("c", "Child & young")]), ("o", "Other")],
        help_text="Pick one",
    )
    tags = forms.MultipleChoiceField(
        choices=[(1, "One"), (2, "Two <3")], widget=forms.CheckboxSelectMultiple, help_text="Any that apply"
    )
    plain_tags = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False)
    # left to crispy-forms-gds
    notes = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField(required=False)
    colour = forms.ChoiceField(choices=[("r", "Red")], widget=forms.RadioSelect, required=False)
    many = forms.MultipleChoiceField(choices=[("m", "M")], required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False, initial="s")
    stamp = forms.SplitDateTimeField(required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "x" * 30, "kind": "nope", "tags": ["3"], "when": "2026-13-01", "count": "many", "colour": "blue"},
        {"name": "Jo", "kind": "c", "tags": ["1", "2"], "plain_tags": ["x"], "when": "2026-01-02", "count": "7"},
    ],
)
def test_every_kind_of_field_and_state_is_crispy_forms_gds_markup(data):
    assert_same_markup(lambda: EveryKind(data))


def test_a_form_with_a_crispy_helper_is_left_to_crispy_forms_gds():
    from crispy_forms_gds.helper import FormHelper

    class WithHelper(EveryKind):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.label_size = "govuk-label--m"

    assert "govuk-label--m" in assert_same_markup(lambda: WithHelper({"name": ""}))


@pytest.mark.django_db
def test_the_case_list_page_shows_the_filter_in_crispy_forms_gds_markup(client, officer, ward, case):
    client.force_login(officer)
    query = {"status": ["open"], "ward": str(ward.pk), "opened_before": "2026-02-31"}
    page = client.get("/cases/", query).content.decode()
    form = page.split('aria-label="Filter cases">', 1)[1].split('<div class="govuk-form-group">\n        <label')[0]
    crispy = CRISPY.render(Context({"form": _case_filter(query, officer)()}))
    assert parse_html(form.replace('<h2 class="govuk-heading-m">Filter</h2>', "")) == parse_html(crispy)


def test_a_widget_of_another_template_is_left_to_crispy_forms_gds():
    class Custom(forms.Form):
        colour = forms.CharField(help_text="Short", widget=forms.TextInput(attrs={"class": "govuk-js-character-count"}))
        size = forms.CharField(widget=forms.PasswordInput)

    assert_same_markup(lambda: Custom({"colour": "", "size": "x"}))
