"""The statutory and local limits the enforcement rules use, in one place.

Defaults follow the Anti-social Behaviour, Crime and Policing Act 2014 and Barnet's local choices
(see domain.md). A deployment overrides any of them with a settings dict, e.g.
``ENFORCEMENT = {"PSPO_EXPIRY_WARNING_DAYS": 120}``; nothing else in the app writes these numbers.
Amounts and payment periods of fixed penalties are per offence code in the OffenceCode table, not here.
"""

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # s43(1): a CPN (and so its written warning) may be given to a person aged 16 or over, or a body.
    "CPN_MIN_AGE": 16,
    # s46(2): appeal to the magistrates' court within 21 days beginning with the day the CPN was issued.
    "CPN_APPEAL_DAYS": 21,
    # s53: who may issue a CPN: council officers, police (constables / designated PCSOs), designated landlords.
    "CPN_ISSUING_AGENCY_KINDS": ("council", "police", "housing"),
    # The offence codes (OffenceCode table) a CPN breach and a PSPO breach are ticketed under on Barnet's pad.
    "CPN_BREACH_OFFENCE_CODE": "CST08",
    "PSPO_BREACH_OFFENCE_CODE": "CST09",
    # Notice numbers generated when the officer has no pad number.
    "FPN_NUMBER_PREFIX": "LBB-FPN",
    # s52(7) and s68: a fixed penalty for a CPN or PSPO breach is at most £100.
    "FPN_CPN_PSPO_MAX_AMOUNT": 100,
    # s52(8) and s68: the lower amount may be offered for payment within a period of less than 14 days.
    "FPN_EARLY_PAYMENT_DAYS_UNDER": 14,
    # s52(5) / s68(4): no proceedings for the offence within 14 days of the fixed penalty notice.
    "FPN_NO_PROCEEDINGS_DAYS": 14,
    # Payment lines are closed at weekends and on bank holidays: a payment date falling on one moves to the
    # next working day (local practice; set False to count plain calendar days).
    "FPN_PAYMENT_DATES_ROLL_TO_WORKING_DAY": True,
    # s59: PSPOs are made by local authorities.
    "PSPO_MAKING_AGENCY_KINDS": ("council",),
    # s60: a PSPO lasts at most 3 years; each extension at most 3 years more.
    "PSPO_MAX_YEARS": 3,
    "PSPO_EXTENSION_MAX_YEARS": 3,
    # s76(1) and s77: who may issue a closure notice; a notice lasts 24 hours, extendable to 48 in total.
    "CLOSURE_NOTICE_ISSUING_AGENCY_KINDS": ("police", "council"),
    "CLOSURE_NOTICE_MAX_HOURS": 24,
    "CLOSURE_NOTICE_EXTENDED_MAX_HOURS": 48,
    # s80(3)-(4): the application is heard within 48 hours of service, Christmas Day disregarded.
    "CLOSURE_HEARING_WITHIN_HOURS": 48,
    # s81(3): the court may adjourn the hearing for at most 14 days at a time, counted from the hearing adjourned.
    "CLOSURE_HEARING_ADJOURNMENT_MAX_DAYS": 14,
    # s80(6) and s82: an order lasts at most 3 months; with extensions never more than 6 months in all.
    "CLOSURE_ORDER_MAX_MONTHS": 3,
    "CLOSURE_ORDER_TOTAL_MAX_MONTHS": 6,
    # s84(5): appeal against a closure order decision within 21 days beginning with the day of the decision.
    "CLOSURE_ORDER_APPEAL_DAYS": 21,
    # s25(5): a CBO on an adult lasts at least 2 years (or is indefinite); on an under-18, 1 to 3 years.
    "CBO_ADULT_MIN_YEARS": 2,
    "CBO_YOUTH_MIN_YEARS": 1,
    "CBO_YOUTH_MAX_YEARS": 3,
    # s1(1): an injunction may be granted against a person aged 10 or over.
    "INJUNCTION_MIN_AGE": 10,
    # s1(6): an injunction against an under-18 lasts at most 12 months.
    "INJUNCTION_YOUTH_MAX_MONTHS": 12,
    # s28 (CBO) and local practice (injunctions): orders on under-18s are reviewed every 12 months.
    "YOUTH_REVIEW_MONTHS": 12,
    "ADULT_AGE": 18,
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
