"""The partnership's deadlines for an application, in working days (England and Wales bank holidays).

The number of working days for each step is configuration (triggers/conf.py); services store the
results in indexed fields so lists can filter and flag overdue work.
"""

from datetime import date

from casework.calendar import add_working_days

from . import conf
from .models import Application, ApplicationStatus


def acknowledge_by(received_on: date) -> date:
    return add_working_days(received_on, conf.get("ACKNOWLEDGE_WORKING_DAYS"))


def threshold_decision_by(acknowledged_on: date) -> date:
    """Counted from the acknowledgement (or, until it is sent, from the day it is due)."""
    return add_working_days(acknowledged_on, conf.get("THRESHOLD_DECISION_WORKING_DAYS"))


def review_meeting_by(decided_on: date) -> date:
    return add_working_days(decided_on, conf.get("REVIEW_MEETING_WORKING_DAYS"))


def outcome_by(from_day: date) -> date:
    """The outcome (or the 'threshold not met' response) is due this many working days after the meeting/decision."""
    return add_working_days(from_day, conf.get("OUTCOME_WORKING_DAYS"))


def next_due(application: Application) -> date | None:
    """The partnership's next deadline for this application, or None once the outcome has been sent."""
    status = application.status
    if status == ApplicationStatus.RECEIVED:
        candidates = [application.threshold_decision_by]
        if application.acknowledged_at is None:
            candidates.append(application.acknowledge_by)
        return min(candidates)
    if status in (ApplicationStatus.THRESHOLD_MET, ApplicationStatus.REVIEW_ARRANGED):
        return application.review_meeting_by
    if status in (ApplicationStatus.THRESHOLD_NOT_MET, ApplicationStatus.REVIEWED):
        return application.outcome_by
    return None


def next_step(application: Application) -> str:
    """What the partnership owes the applicant next, in words, for lists and My work."""
    status = application.status
    if status == ApplicationStatus.RECEIVED:
        if application.acknowledged_at is None:
            return "Acknowledge the application"
        return "Decide whether the threshold is met"
    if status == ApplicationStatus.THRESHOLD_MET:
        return "Hold the review meeting"
    if status == ApplicationStatus.REVIEW_ARRANGED:
        return "Hold the review meeting"
    if status in (ApplicationStatus.THRESHOLD_NOT_MET, ApplicationStatus.REVIEWED):
        return "Send the outcome to the applicant"
    if status == ApplicationStatus.OUTCOME_SENT:
        return "Close the application"
    return ""
