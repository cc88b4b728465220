"""Local choices for the Community Trigger / ASB Case Review, with their reviewed defaults.

Override any of them in settings with a ``TRIGGERS`` dict (only the keys you change), e.g.::

    TRIGGERS = {"ACKNOWLEDGE_WORKING_DAYS": 3, "THRESHOLD": {"COMPLAINTS": 2}}

Defaults and where they come from (domain brief, "Community Trigger / ASB Case Review"):

- ACKNOWLEDGE_WORKING_DAYS = 5: councils acknowledge within 3 to 10 working days; 5 is the middle
  of that range and what most London boroughs publish.
- THRESHOLD_DECISION_WORKING_DAYS = 15: the threshold decision within 15 working days of the
  acknowledgement (seen on council pages).
- REVIEW_MEETING_WORKING_DAYS = 20: the review meeting within 20 working days of the threshold decision.
- OUTCOME_WORKING_DAYS = 5: the outcome letter within 5 working days of the review meeting (or of a
  "threshold not met" decision), so the whole review stays near the 20 working days councils aim for.
- THRESHOLD: s104 lets the partnership set the threshold no higher than 3 complaints in the previous
  6 months, each reported within 1 month of the incident; those statutory figures are in the rule table
  (statutory/rules.py) and COMPLAINTS here is capped at the statutory maximum. The same incident
  reported to several agencies counts once. Local alternatives: any hate incident (on), 5 different
  complainants about the same problem (on); set HATE_INCIDENT to False or COMPLAINANTS to None.
- ESCALATION_BODY: in London, appeals go to the Mayor's Office for Policing and Crime as PCC.
- RECEIVING_AGENCY: the agency (short name) that owns applications made through the public form.
- RATE_LIMIT: public form POSTs and submissions allowed per client address per window.
"""

from copy import deepcopy
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "REFERENCE_PREFIX": "CT",
    "RECEIVING_AGENCY": "lbb-community-safety",
    "ACKNOWLEDGE_WORKING_DAYS": 5,
    "THRESHOLD_DECISION_WORKING_DAYS": 15,
    "REVIEW_MEETING_WORKING_DAYS": 20,
    "OUTCOME_WORKING_DAYS": 5,
    "THRESHOLD": {
        "COMPLAINTS": 3,
        "HATE_INCIDENT": True,
        "COMPLAINANTS": 5,
    },
    "ESCALATION_BODY": "Mayor's Office for Policing and Crime (MOPAC)",
    "RATE_LIMIT": {
        "POSTS": 60,
        "SUBMISSIONS": 5,
        "WINDOW_SECONDS": 3600,
    },
    # The public form's bot check (triggers/botcheck.py): the least and most time from the first question
    # page to sending the application.
    "BOT_CHECK": {"MIN_SECONDS": 15, "MAX_AGE_SECONDS": 24 * 60 * 60},
    "ACKNOWLEDGEMENT_FROM_EMAIL": None,
    "DUE_SOON_WORKING_DAYS": 5,
}


def _merge(base: dict, override: dict) -> dict:
    merged = deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def triggers_settings() -> dict[str, Any]:
    """The effective settings, read on every call so tests and settings overrides take effect."""
    return _merge(DEFAULTS, getattr(settings, "TRIGGERS", {}) or {})


def get(name: str) -> Any:
    return triggers_settings()[name]
