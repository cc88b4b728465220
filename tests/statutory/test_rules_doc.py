"""docs/rules.md is generated from the rule table, and the table's references to code and tests are real."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from statutory import docs
from statutory.models import Commencement
from statutory.rules import COMMENCEMENTS, RULES

ROOT = Path(settings.BASE_DIR)


def test_docs_rules_md_is_up_to_date():
    current = docs.DOC_PATH.read_text(encoding="utf-8")
    assert current == docs.render(), "docs/rules.md is out of date: run `python manage.py rules_doc`"


def test_the_check_option_of_the_command_agrees(capsys):
    call_command("rules_doc", "--check")
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.key}={r.value}")
def test_every_rule_names_a_section_real_code_and_a_real_test(rule):
    assert rule.citation and rule.description and rule.enforced_in and rule.tests
    for place in rule.enforced_in:
        module_path, _, name = place.rpartition(".")
        while module_path:
            try:
                target = importlib.import_module(module_path)
                break
            except ModuleNotFoundError:
                module_path, _, outer = module_path.rpartition(".")
                name = f"{outer}.{name}"
        for part in name.split("."):
            target = getattr(target, part)  # AttributeError names a rule pointing at nothing
    for test in rule.tests:
        path, _, function = test.partition("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        assert not function or f"def {function}(" in source, test


def test_versions_of_a_rule_do_not_overlap_without_a_commencement():
    keys = {rule.key for rule in RULES}
    for key in keys:
        dated = [r for r in RULES if r.key == key and not r.commencement_key]
        spans = sorted((r.effective_from, r.effective_to) for r in dated)
        for (_, first_end), (second_start, _) in zip(spans, spans[1:], strict=False):
            assert first_end is not None and first_end < second_start, key


@pytest.mark.django_db
def test_every_commencement_key_has_a_row_for_administrators():
    used = {rule.commencement_key for rule in RULES if rule.commencement_key}
    assert used <= set(COMMENCEMENTS)
    assert set(Commencement.objects.values_list("key", flat=True)) >= set(COMMENCEMENTS)


def test_the_config_modules_hold_local_choices_only():
    from enforcement.config import DEFAULTS

    statutory_words = ("MIN_AGE", "APPEAL", "MAX_", "_MIN_", "ISSUING", "MAKING", "HEARING", "ADULT_AGE", "CAP")
    assert not [name for name in DEFAULTS if any(word in name for word in statutory_words)]


def test_every_correction_names_a_rule_and_a_real_test():
    from statutory.rules import CORRECTIONS

    keys = {rule.key for rule in RULES}
    for fix in CORRECTIONS:
        assert fix.key in keys and fix.statute and fix.before and fix.after, fix.key
        path, _, function = fix.test.partition("::")
        assert f"def {function}(" in (ROOT / path).read_text(encoding="utf-8"), fix.test
