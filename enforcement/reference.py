"""Reference data: Barnet's fixed penalty offence codes, from Table 2 of seed 003 (July 2023 board pack).

Amounts: seed 003 gives one figure for every code, "£100 (30% reduction if paid within 14 days)", so each
code starts at £100, or £70 within 14 days. The seed gives no full payment period; 28 days is used (at
least the 14 days in which no proceedings may start) and administrators change it per code in the admin,
with history. Dates of effect start when officers were given FPN pads (January 2023); a later change in
law is a new row with a later date of effect. This module holds data only, so migrations can import it.
"""

from datetime import date
from decimal import Decimal

EFFECTIVE_FROM = date(2023, 1, 1)
FULL = Decimal("100.00")
EARLY = Decimal("70.00")
EARLY_DAYS = 14
PAYMENT_DAYS = 28

EPA = "Environmental Protection Act 1990"
ASB_2014 = "Anti-Social Behaviour, Crime and Policing Act 2014"
CODES = [
    ("CST01", f"{EPA}, Section 87/88", "Littering"),
    ("CST02", f"{EPA}, Section 46", "Domestic waste presentation notices"),
    ("CST03", f"{EPA}, Section 47", "Business and commercial waste presentation notices"),
    ("CST04", f"{EPA}, Schedule 3A, Paragraph 7", "Distributing free literature without consent"),
    ("CST05", "Control of Pollution (Amendment) Act 1989, Section 5B", "Failing to produce authority"),
    ("CST06", f"{EPA}, Section 34", "Failing to produce waste transfer notes"),
    ("CST07a", f"{EPA}, Section 34(2A)", "Household duty of care breach – unauthorised deposit of waste (1st offence)"),
    ("CST07b", f"{EPA}, Section 34(2A)", "Household duty of care breach – unauthorised deposit of waste (2nd offence)"),
    ("CST08", f"{ASB_2014}, Section 48", "Breach of a Community Protection Notice"),
    ("CST09", f"{ASB_2014}, Sections 63 and 67", "Breach of a Public Spaces Protection Order (PSPO)"),
    ("CST10", "Refuse Disposal (Amenity) Act 1978, Section 2A", "Abandoned vehicles"),
    ("CST11", "Anti-Social Behaviour Act 2003, Section 43", "Graffiti and fly-posting"),
    (
        "CST12",
        "Clean Neighbourhoods and Environment Act 2005, Sections 3 and 4",
        "Exposing vehicles for sale on a road (s3); repairing vehicles on a road (s4)",
    ),
    ("CST13", f"{EPA}, Section 33(1)(a)", "Unauthorised deposit of waste – fly-tipping (1st offence)"),
    ("CST14", f"{EPA}, Section 33(1)(a)", "Unauthorised deposit of waste – fly-tipping (2nd offence)"),
    ("CST15", "Highways Act 1980, Section 137(1)", "Wilful obstruction of the highway"),
    ("CST16", "Highways Act 1980, Section 148(c)", "Interruption of the user of the highway"),
    ("CST17", "Health Act 2006, Section 7", "Smoking in smoke-free premises or a business vehicle"),
]


# s52(8) and s68 of the 2014 Act: for CPN and PSPO breaches the discount period must be less than 14 days, so
# Barnet's "30% off within 14 days" is held as 13 days for those two codes.
EARLY_DAYS_BY_CODE = {"CST08": 13, "CST09": 13}


def seed_offence_codes(offence_model) -> list:
    """Create any missing codes (matched on code and date of effect); returns the rows created."""
    created_rows = []
    for code, statute, description in CODES:
        row, created = offence_model.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE_FROM,
            defaults={
                "statute": statute,
                "description": description,
                "full_amount": FULL,
                "early_payment_amount": EARLY,
                "early_payment_days": EARLY_DAYS_BY_CODE.get(code, EARLY_DAYS),
                "payment_days": PAYMENT_DAYS,
            },
        )
        if created:
            created_rows.append(row)
    return created_rows
