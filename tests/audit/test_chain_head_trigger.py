"""The chain head is moved by the database's AFTER INSERT trigger (audit.triggers, issue 23): an append is the
head's locked read and the row's INSERT, two statements, and the head still names the last row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog, ChainHead, Disclosure
from audit.services import log_access, log_disclosure, verify_chain


@pytest.mark.django_db
def test_an_append_is_two_statements_and_the_head_names_the_last_row(officer):
    log_access(user=officer, agency="", action="view", object_type="case", object_id=1)  # creates the head
    with CaptureQueriesContext(connection) as ctx:
        row = log_access(user=officer, agency="", action="view", object_type="case", object_id=2)
    assert len(ctx.captured_queries) == 2, [q["sql"][:80] for q in ctx.captured_queries]
    head = ChainHead.objects.get(log="access")
    assert head.last_hash == row.hash == AccessLog.objects.latest("id").hash
    assert head.length == AccessLog.objects.count()
    assert verify_chain("access") == (AccessLog.objects.count(), None)


@pytest.mark.django_db
def test_the_disclosure_chain_head_moves_too(officer):
    for n in range(2):
        row = log_disclosure(
            user=officer,
            kind="share",
            from_agency="lbb",
            to_agency="bh",
            object_type="case",
            object_id=n,
            object_label=f"Case {n}",
            legal_basis="cda_s115",
            purpose="Tenancy",
        )
    head = ChainHead.objects.get(log="disclosure")
    assert (head.last_hash, head.length) == (row.hash, Disclosure.objects.count())
