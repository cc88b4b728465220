"""Timelines and audit screens show words, never internals (#17).

One formatter (audit.history.readable) words every history value. These tests walk every model that keeps
history (any app) and check that no value it shows looks like a dict or list, a bare database id, a storage
path, True/False or None; and that the timelines built on it say what happened.
"""

import re
import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from audit.history import SKIP_FIELDS, FieldChange, HistoryEntry, entries, historical_models, readable
from audit.objects import ObjectType, object_type_label
from casework import risk, services
from casework.models import PartyRole
from tests.factories import log_case_views, make_cbo, make_closure_order, make_cpn, make_written_warning

DATE_WORDS = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"


def _looks_internal(value, *, relation: bool = False) -> str:
    """Why a rendered value reads as an internal, or "" when a person would read it as written."""
    if not isinstance(value, str):
        return f"not text: {value!r}"
    if value in {"True", "False", "None"}:
        return "a Python literal"
    if value.startswith(("{", "[")) or "{'" in value or "['" in value:
        return "a dict or list"
    if re.search(r"(^|\s)[\w.-]+/[\w.-]+/", value) or value.startswith("evidence"):
        return "a path"
    if re.fullmatch(r"[0-9a-f]{64}", value):
        return "a hash"
    if relation:
        words = re.sub(DATE_WORDS, "", value)
        # "6", "Review: 6", "Closure order 5", "MARAC referral of 301 (accepted)"; not "12 Deansbrook Road" or
        # "Act 1998" (ids here are small: a test database)
        if re.fullmatch(r"\d+", value) or re.search(r"[A-Za-z][:#]?\s*#?\d{1,3}\s*($|\(|\))", words):
            return "a database id"
    return ""


def _live(history_model, name):
    try:
        return history_model.instance_type._meta.get_field(name)
    except Exception:
        return None


def _sample(history_model, f):
    """(before, after) representative values for one field of a history model; None when not sampled."""
    live = _live(history_model, f.name) or f
    if f.is_relation:
        existing = f.related_model._base_manager.order_by("pk").first()
        return (None, existing.pk) if existing is not None else None
    if live.choices:
        values = [value for value, _ in live.flatchoices if value not in ("", None)]
        return (values[0], values[-1]) if values else None
    if isinstance(live, models.BooleanField):
        return (False, True)
    if isinstance(live, models.JSONField):
        return ({"targeted_identity": False, "violence": False}, {"targeted_identity": True, "violence": False})
    if isinstance(live, models.FileField):
        return ("evidence/1/0f3a9c", "evidence/1/7b2e41")
    if isinstance(live, models.DateTimeField):
        return (timezone.now() - timedelta(days=2), timezone.now())
    if isinstance(live, models.DateField):
        return (date(2026, 12, 1), date(2026, 12, 3))
    if isinstance(live, models.TimeField):
        return (time(9, 30), time(16, 23))
    if isinstance(live, models.DecimalField):
        return (Decimal("50.00"), Decimal("100.00"))
    if isinstance(live, models.IntegerField | models.FloatField):
        return (3, 5)
    if isinstance(live, models.UUIDField):
        return (uuid.uuid4(), uuid.uuid4())
    if isinstance(live, models.GenericIPAddressField):
        return ("192.0.2.1", "192.0.2.2")
    if isinstance(live, models.CharField | models.TextField):
        if f.name == "sha256":
            return ("a" * 64, "b" * 64)
        return ("Loud music", "Loud music at night")
    return None


def _populate(officer, case):
    """A case with a named victim, a risk assessment, evidence with a file, and enforcement on it."""
    victim = services.create_person(by=officer, first_name="Jane", last_name="Resident")
    party = services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=victim)
    services.record_risk_assessment(
        case=case, by=officer, answers={"targeted_identity": False, "violence": True}, repeat_victimisation_count=1
    )
    services.record_risk_assessment(
        case=case,
        by=officer,
        victim=party,
        answers={"targeted_identity": True, "violence": True},
        repeat_victimisation_count=1,
    )
    upload = SimpleUploadedFile("stairwell.jpg", b"\xff\xd8\xff\xe0 photo", content_type="image/jpeg")
    services.add_evidence(case=case, by=officer, kind="photo", description="Graffiti", upload=upload)
    make_cpn(case=case, by=officer)
    make_closure_order(case=case, by=officer)
    make_cbo(case=case, by=officer)
    return party


@pytest.mark.django_db
def test_every_historical_model_reads_as_words(officer, case):
    _populate(officer, case)
    problems = []
    checked = 0
    for history_model in historical_models():
        pk_name = history_model.instance_type._meta.pk.attname
        record = history_model()
        created = HistoryEntry("Record", 1, record, "created", timezone.now(), None, "")
        changed = HistoryEntry("Record", 1, record, "changed", timezone.now(), None, "")
        relations = set()
        for f in history_model._meta.fields:
            if f.attname in SKIP_FIELDS or f.name in SKIP_FIELDS or f.attname == pk_name:
                continue
            sample = _sample(history_model, f)
            if sample is None:
                continue
            before, after = sample
            setattr(record, f.attname, after)
            if f.is_relation:
                relations.add(f.attname)
            created.changes.append(FieldChange(f.attname, str(f.verbose_name), None, after))
            changed.changes.append(FieldChange(f.attname, str(f.verbose_name), before, after))
        readable([created, changed])
        for entry in (created, changed):
            for change in entry.changes:
                assert change.label[:1] == change.label[:1].upper(), (history_model.__name__, change.label)
                for side in ("before", "after"):
                    value = getattr(change, side)
                    if side == "before" and entry.kind == "created":
                        assert value is None
                        continue
                    why = _looks_internal(value, relation=change.field in relations)
                    if why:
                        problems.append(f"{history_model.__name__}.{change.field} {side}={value!r}: {why}")
                    checked += 1
            assert not {c.field for c in entry.changes} & {"sha256", "content_type"}, history_model.__name__
    assert checked > 500
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_recorded_history_of_every_model_reads_as_words(officer, case):
    """The same checks over the history the services actually wrote (every model with records)."""
    _populate(officer, case)
    problems = []
    models_seen = 0
    for history_model in historical_models(existing_only=True):
        records = list(history_model.objects.all())
        if not records:
            continue
        models_seen += 1
        relations = {f.attname for f in history_model._meta.fields if f.is_relation}
        for entry in readable(entries(records, model_label=history_model.__name__)):
            for change in entry.changes:
                for side in ("before", "after"):
                    value = getattr(change, side)
                    if value is None and side == "before" and entry.kind == "created":
                        continue
                    why = _looks_internal(value, relation=change.field in relations)
                    if why:
                        problems.append(f"{history_model.__name__}.{change.field} {side}={value!r}: {why}")
    assert models_seen >= 10
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_case_timeline_shows_answers_victim_and_file_in_words(client, officer, case):
    _populate(officer, case)
    client.force_login(officer)
    body = client.get(f"/cases/{case.reference}/timeline/").content.decode()
    question = next(q.text for q in risk.QUESTIONS if q.key == "violence")
    assert "targeted_identity" not in body and "{&#x27;" not in body and "{'" not in body
    assert question.replace("'", "&#x27;") in body or question in body
    assert "Jane Resident (victim)" in body  # the victim by name, not "Victim: Victim"
    assert "Anonymous victim" not in body or "Maria" not in body  # an anonymous victim is never named
    assert "stairwell.jpg" in body and not re.search(r"evidence/\d+/", body)
    assert not re.search(r"\b[0-9a-f]{64}\b", body), "no SHA-256 on the timeline"
    assert ">False<" not in body and "→ True" not in body and "→ False" not in body


@pytest.mark.django_db
def test_the_enforcement_timeline_says_what_happened(client, officer, case):
    warning = make_written_warning(case=case, by=officer)
    warning.status = "breached"
    warning._change_reason = ""
    warning.save()  # a change saved without a reason: the title comes from the status it moved to
    client.force_login(officer)
    body = client.get(f"/enforcement/cases/{case.reference}/").content.decode()
    titles = re.findall(r"moj-timeline__title[^>]*>(.*?)<", body)
    assert "Written warning: breach recorded" in titles, titles
    assert not any(t.endswith((" created", " changed")) for t in titles), titles


def test_access_log_object_types_read_as_their_labels():
    assert object_type_label(ObjectType.MARAC_PANEL_ENTRY) == "CS MARAC panel entry"
    assert object_type_label("some_register") == "Some register"
    assert all(label != value for value, label in ObjectType.choices if "_" in value)


@pytest.mark.django_db
def test_audit_screens_count_in_words_and_name_record_types(client, auditor, officer, case):
    from audit.services import log_access

    log_case_views(case=case, user=officer, count=2)
    log_access(
        user=officer,
        agency="Barnet Council",
        action="view",
        object_type=ObjectType.MARAC_PANEL_ENTRY,
        object_id=1,
        object_label=case.reference,
        case_id=case.pk,
        path="/marac/",
    )
    _populate(officer, case)
    client.force_login(auditor)
    access_page = client.get(f"/audit/cases/{case.reference}/").content.decode()
    assert "3 entries" in access_page and "entrys" not in access_page
    assert "CS MARAC panel entry: " in access_page and "marac_panel_entry" not in access_page
    assert re.search(r"\d{1,2} \w+ \d{4} at \d{1,2}:\d{2}:\d{2}(am|pm)", access_page), "GOV.UK date with seconds"
    changes = client.get(f"/audit/cases/{case.reference}/changes/").content.decode()
    question = next(q.text for q in risk.QUESTIONS if q.key == "violence")
    assert question.replace("'", "&#x27;") in changes and "targeted_identity" not in changes
    assert "Jane Resident (victim)" in changes
    assert not re.search(r"\b[0-9a-f]{64}\b", changes) and not re.search(r"evidence/\d+/", changes)
    assert ">True<" not in changes and ">False<" not in changes and ">None<" not in changes


@pytest.mark.django_db
def test_records_read_with_what_they_name_read_the_same_without_a_query_per_related_model(officer, case):
    """with_related_labels (the case timeline, issue 23): the records come with the objects their foreign keys name,
    so readable words them exactly as it does from the ids, with fewer queries: none per related model (one only for
    an object since deleted, which the join cannot bring, or for what a related object's own name reads)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.history import with_related_labels

    _populate(officer, case)
    one_query = {}
    for history_model in historical_models(existing_only=True):
        if not history_model.objects.exists():
            continue
        label = history_model.__name__
        with CaptureQueriesContext(connection) as by_ids:
            plain = readable(entries(history_model.objects.all(), model_label=label))
        with CaptureQueriesContext(connection) as joined_ctx:
            joined = readable(entries(with_related_labels(history_model.objects.all()), model_label=label))
        words = [[(c.field, c.label, c.before, c.after) for c in e.changes] for e in plain]
        assert [[(c.field, c.label, c.before, c.after) for c in e.changes] for e in joined] == words
        assert len(joined_ctx.captured_queries) <= len(by_ids.captured_queries), label
        one_query[label] = len(joined_ctx.captured_queries) == 1
    timeline_models = ["HistoricalCase", "HistoricalCaseParty", "HistoricalRiskAssessment", "HistoricalEvidence"]
    assert all(one_query[label] for label in timeline_models), one_query
    assert len(one_query) >= 10
