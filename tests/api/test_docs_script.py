"""docs/api.md is enough: its complete script, run as written against a running server, does the job."""

import contextlib
import io
import re
from pathlib import Path

import pytest

from accounts.api import create_token
from casework.models import Incident

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _script() -> str:
    section = DOCS.read_text().split("## 8. A complete script", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_fetches_the_shared_cases_and_logs_an_incident(
    world, police_user, live_server, monkeypatch
):
    case, _, _ = world
    _, secret = create_token(user=police_user, name="Met Police CAD link")
    monkeypatch.setenv("BASE", f"{live_server.url}/api/v1")
    monkeypatch.setenv("TOKEN", secret)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_script(), str(DOCS), "exec"), {"__name__": "partner_script"})
    printed = out.getvalue()
    assert f"{case.reference} Intimidation on the stairwell LBB Community Safety" in printed
    incident = Incident.objects.get(agency_reference="CAD 1234/01MAR26")
    assert f"Logged incident {incident.pk}" in printed
    first_listed = printed.splitlines()[0].split()[0]
    assert incident.case.reference == first_listed and incident.created_by == police_user
