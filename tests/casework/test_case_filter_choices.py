"""The case filter's drop-downs read columns, not instances (casework/filters.py): the same options as before."""

import pytest
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.test.utils import CaptureQueriesContext

from casework import selectors
from casework.filters import CaseFilter
from tests.factories import AgencyFactory, WardFactory, make_member


def _as_instances(field) -> list[tuple[str, str]]:
    """The options Django's own iterator gives: model instances, labelled by the label the field had before."""
    label = (lambda u: u.get_full_name() or u.get_username()) if field.label_columns[0] == "first_name" else str
    field.label_from_instance = label
    return [(str(value), text) for value, text in ModelChoiceIterator(field)]


@pytest.mark.django_db
def test_the_drop_downs_offer_what_the_model_instances_gave(officer, manager, council, ward):
    from casework import roles

    WardFactory(name="Hale & <Mill>")
    AgencyFactory(name="Zeta 'Trust'", short_name="zeta")
    # no first or last name: the username
    make_member(council, roles.ENFORCEMENT_OFFICER, "nameless", first_name="", last_name="")
    make_member(council, roles.ENFORCEMENT_OFFICER, "half", first_name="", last_name="Okafor")
    for user in (officer, manager):
        form = CaseFilter(None, queryset=selectors.case_list(user=user), user=user).form
        for name in ("ward", "lead_agency", "officer"):
            field = form.fields[name]
            ours = [(str(value), text) for value, text in field.choices]
            assert ours[0] == ("", field.empty_label)
            assert len(ours) > 2
            assert ours == _as_instances(field)
    officers = dict(
        (str(v), t)
        for v, t in CaseFilter(None, queryset=selectors.case_list(user=officer), user=officer)
        .form.fields["officer"]
        .choices
    )
    assert "nameless" in officers.values() and "Okafor" in officers.values() and "Priya Shah" in officers.values()


@pytest.mark.django_db
def test_a_chosen_ward_still_validates_to_the_ward(officer, ward):
    case_filter = CaseFilter({"ward": str(ward.pk)}, queryset=selectors.case_list(user=officer), user=officer)
    assert case_filter.is_valid()
    assert case_filter.form.cleaned_data["ward"] == ward
    assert case_filter.applied() == {"ward": "Burnt Oak"}


@pytest.mark.django_db
def test_the_form_class_is_built_once_and_no_users_adjustments_reach_another(officer, housing_user, manager):
    partner_filter = CaseFilter(None, queryset=selectors.case_list(user=housing_user), user=housing_user)
    manager_filter = CaseFilter(None, queryset=selectors.case_list(user=manager), user=manager)

    assert type(partner_filter.form) is type(manager_filter.form)
    partner_officers = {t for _, t in partner_filter.form.fields["officer"].choices}
    manager_officers = {t for _, t in manager_filter.form.fields["officer"].choices}
    assert "Priya Shah" in manager_officers and "Priya Shah" not in partner_officers
    assert partner_filter.form.fields["officer"] is not manager_filter.form.fields["officer"]
    assert manager_filter.form.fields["sort"].widget.attrs["class"] == "govuk-select"


@pytest.mark.django_db
def test_each_drop_down_is_one_plain_query(officer, housing_user, ward):
    """No server-side cursor (`.iterator()` on PostgreSQL: DECLARE, FETCH, CLOSE) for a list of a few dozen rows."""
    for user in (officer, housing_user):
        form = CaseFilter(None, queryset=selectors.case_list(user=user), user=user).form
        with CaptureQueriesContext(connection) as queries:
            for name in ("ward", "lead_agency", "officer"):
                assert sum(1 for _ in form.fields[name].choices) > 1  # list() would also count them
        assert len(queries.captured_queries) == 3
        assert [q["sql"] for q in queries.captured_queries if "CURSOR" in q["sql"] or "FETCH" in q["sql"]] == []


def _orm_rows(field) -> list[tuple]:
    return list(field.queryset.values_list("pk", *field.label_columns))


@pytest.mark.django_db
def test_the_compiled_drop_downs_run_the_orms_statements_and_give_its_rows(
    officer, housing_user, police_user, manager, auditor, ward
):
    """Each drop-down's statement is compiled once per thread (`choice_source`): the same SQL and parameters the
    ORM sends for the field's queryset, the same rows, for every kind of user and after the cache is warm."""
    from casework.filters import NameChoiceField

    WardFactory(name="Hale & <Mill>")
    AgencyFactory(name="Zeta 'Trust'", short_name="zeta")
    for _ in range(2):  # the second time from the compiled plans
        for user in (officer, housing_user, police_user, manager, auditor):
            form = CaseFilter(None, queryset=selectors.case_list(user=user), user=user).form
            for name in ("ward", "lead_agency", "officer"):
                field = form.fields[name]
                assert isinstance(field, NameChoiceField) and field.choice_source is not None
                with CaptureQueriesContext(connection) as compiled:
                    rows = field.choice_rows("pk")
                with CaptureQueriesContext(connection) as orm:
                    expected = _orm_rows(field)
                assert rows == expected and rows
                assert [q["sql"] for q in compiled.captured_queries] == [q["sql"] for q in orm.captured_queries]
    partner = CaseFilter(None, queryset=selectors.case_list(user=housing_user), user=housing_user).form
    assert partner.fields["officer"].choice_source == ("agency officers", (housing_user.membership.agency_id,))


@pytest.mark.django_db
def test_a_drop_down_whose_queryset_is_replaced_reads_the_new_queryset(officer, ward):
    from casework.models import Ward

    WardFactory(name="Hale")
    form = CaseFilter(None, queryset=selectors.case_list(user=officer), user=officer).form
    field = form.fields["ward"]
    field.queryset = Ward.objects.filter(name="Hale")
    assert field.choice_source is None
    assert [text for _, text in field.choices] == ["Any ward", "Hale"]
    # another form's copy of the field still has its source
    assert CaseFilter(None, queryset=selectors.case_list(user=officer), user=officer).form.fields[
        "ward"
    ].choice_source == ("wards", ())
