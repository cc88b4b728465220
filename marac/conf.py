"""CS MARAC local choices, read from `settings.MARAC` with reviewed defaults.

Everything here is a local decision of the partnership, not law, so it lives in one place:

- COORDINATING_AGENCY: short name of the agency that runs the MARAC (its coordinator screens referrals).
  A referred case must be visible to it, so referring shares the case with it if needed.
- CORE_AGENCIES: short names of the agencies that sit on the MARAC. They are invited to every meeting,
  research every listed case, and an accepted case is shared with each of them.
- CORE_AGENCIES_CAN_CHANGE: no longer used. Accepting a referral shares the case with core agencies view only
  and tells the case's officer, who grants change rights on the sharing screen (decision 0015); an agency
  completes the MARAC actions it owns with view access.
- LEGAL_BASIS / SHARE_PURPOSE: recorded on every MARAC share (disclosure log).
- CYCLE_WEEKS: weeks between meetings (Barnet: 6, seed 003). MEETINGS_AHEAD: meetings kept scheduled
  ahead of today. MEETING_WEEKDAY: weekday of a new series (0 = Monday; Barnet's 2022/23 dates fit a
  Thursday). START_TIME / VENUE: what a generated meeting starts with; each meeting is editable.
- REPEAT_REFERRAL_DAYS: a referral is a repeat when the same victim (on any case) was heard at the MARAC
  within this many days (SafeLives: 12 months).
"""

from datetime import time
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "COORDINATING_AGENCY": "lbb-community-safety",
    "CORE_AGENCIES": [
        "lbb-community-safety",
        "barnet-homes",
        "met-police",
        "probation",
        "beh-mental-health",
        "social-care",
        "victim-support",
    ],
    "CORE_AGENCIES_CAN_CHANGE": True,
    "LEGAL_BASIS": "cda_s115",
    "SHARE_PURPOSE": "Case accepted onto the Community Safety MARAC: research, panel discussion and action plan",
    "CYCLE_WEEKS": 6,
    "MEETINGS_AHEAD": 4,
    "MEETING_WEEKDAY": 3,
    "START_TIME": "10:00",
    "VENUE": "Barnet Council, 2 Bristol Avenue, Colindale NW9 4EW",
    "REPEAT_REFERRAL_DAYS": 365,
}


def marac_setting(name: str) -> Any:
    """One MARAC setting: `settings.MARAC[name]` if given, otherwise the documented default."""
    overrides = getattr(settings, "MARAC", {}) or {}
    if name not in DEFAULTS:
        raise KeyError(f"Unknown MARAC setting {name!r}")
    return overrides.get(name, DEFAULTS[name])


def start_time() -> time:
    hours, minutes = str(marac_setting("START_TIME")).split(":")
    return time(int(hours), int(minutes))
