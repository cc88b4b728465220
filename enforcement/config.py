"""The enforcement app's local choices (not law), in one place.

Every statutory limit (ages, durations, caps, appeal windows, who may issue) is in the statutory rule table
(statutory/rules.py), read for the date that matters in law; nothing here is a number the Acts set. A
deployment overrides any local choice with a settings dict, e.g. ``ENFORCEMENT = {"PSPO_EXPIRY_WARNING_DAYS": 120}``.
Amounts and payment periods of fixed penalties are per offence code in the OffenceCode table, not here.
"""

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # The offence codes (OffenceCode table) a CPN breach and a PSPO breach are ticketed under on Barnet's pad;
    # the 2014 Act's cap and discount rules (s52(7)-(8), s68) apply to these two codes.
    "CPN_BREACH_OFFENCE_CODE": "CST08",
    "PSPO_BREACH_OFFENCE_CODE": "CST09",
    # Notice numbers generated when the officer has no pad number.
    "FPN_NUMBER_PREFIX": "LBB-FPN",
    # Payment lines are closed at weekends and on bank holidays: a payment date falling on one moves to the
    # next working day (local practice; set False to count plain calendar days).
    "FPN_PAYMENT_DATES_ROLL_TO_WORKING_DAY": True,
    # How far ahead the overview and My work list deadlines as "due soon".
    "DUE_SOON_DAYS": 7,
    "PSPO_EXPIRY_WARNING_DAYS": 90,
}


def limit(name: str):
    """One configured value: the settings override if present, else the documented default."""
    overrides = getattr(settings, "ENFORCEMENT", {}) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
