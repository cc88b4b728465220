"""The large-export bench runs end to end on a small data set, so the 1M figure in docs/performance.md can be rerun."""

import io

import pytest
from django.contrib.auth import get_user_model

from bench import export_large
from bench import generate as bench_generate
from casework import access

pytestmark = pytest.mark.owner_db


@pytest.fixture
def dataset(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_EXPORT_STREAM_LIMIT = 2
    return bench_generate.generate(cases=40, seed=3, guardian_baseline=False, chunk=20, stdout=io.StringIO())


def test_a_large_export_is_offered_as_a_file_and_arrives_whole(dataset):
    result = export_large.measure(inline=True)
    manager = get_user_model().objects.get(username=bench_generate.MANAGER_USERNAME)
    assert result["rows"] == access.visible_cases(manager).count() > 2
    assert result["download_seconds"] >= 0


def test_the_export_keeps_the_managers_filters(dataset):
    everything = export_large.measure(inline=True)
    closed_only = export_large.measure(query="status=closed", inline=True)
    assert 0 < closed_only["rows"] < everything["rows"]
