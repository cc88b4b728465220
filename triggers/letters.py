"""The outcome letter to the applicant, written once and shown three ways: the preview the approver reads, the
email the notification service sends, and the PDF that is posted. All three come from the same context and the
same words, so the applicant receives exactly what was approved."""

import hashlib
from datetime import date

from django.template.loader import render_to_string

from . import conf
from .models import Application, CaseReview, OutcomeLetter, Recommendation


def context(
    *,
    application: Application,
    letter: OutcomeLetter,
    review: CaseReview | None,
    recommendations: list[Recommendation],
    dated: date,
) -> dict:
    return {
        "application": application,
        "letter": letter,
        "review": review,
        "recommendations": recommendations,
        "escalation_body": conf.get("ESCALATION_BODY"),
        "dated": dated,
    }


def email(letter_context: dict) -> tuple[str, str]:
    """Subject and plain-text body of the outcome email."""
    subject = render_to_string("triggers/email/outcome_subject.txt", letter_context).strip()
    body = render_to_string("triggers/email/outcome.txt", letter_context)
    return subject, body


def fingerprint(letter: OutcomeLetter) -> str:
    """What the approver saw: the words, the channel and the moment they were written. An approval carrying an
    older fingerprint is refused, so nobody approves a letter that changed after they read it."""
    text = f"{letter.channel}\n{letter.written_at.timestamp()}\n{letter.body}"
    return hashlib.sha256(text.encode()).hexdigest()
