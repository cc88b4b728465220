"""The Case Review timeline reads as words (#17): bodies by name, Yes/No, no database ids."""

import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def detail(application, page=""):
    return f"/triggers/{application.reference}/{page}"


def test_the_review_timeline_names_each_body_and_shows_no_ids(client, application, manager, council, police):
    client.force_login(manager)
    client.post(detail(application, "threshold/decision/"), {"met": "yes", "reason": "Three reports in time"})
    meeting = timezone.localdate()
    day = {"_0": meeting.day, "_1": meeting.month, "_2": meeting.year}
    arranged = {f"meeting_on{k}": v for k, v in day.items()}
    arranged.update(location="Hendon Town Hall", agencies=[council.pk, police.pk], victim_invited="yes")
    assert client.post(detail(application, "review/arrange/"), arranged).status_code == 302
    held = {f"held_on{k}": v for k, v in day.items()}
    held.update(attended=[council.pk, police.pk], findings="No joined-up plan was in place.")
    assert client.post(detail(application, "review/held/"), held).status_code == 302

    body = client.get(detail(application, "timeline/")).content.decode()
    titles = re.findall(r"moj-timeline__title[^>]*>(.*?)<", body)
    attended = [t for t in titles if t.startswith((council.name, police.name))]
    assert attended, titles  # "Metropolitan Police: body's information changed", not four anonymous entries
    text = re.sub(r"<[^>]+>", " ", body)
    assert "False" not in text and "True" not in text
    assert not re.search(r"(Review|Owner agency|Created by|Agency): \d+\b", text), "database ids on the timeline"
    assert f"Owner agency</strong>: {council.name}" in body or council.name in text
