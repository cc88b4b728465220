"""Reference data: the lawful bases for sharing and disclosure, with dates of effect and explanations.

Seeded by migration 0003, and restored by the test suite after a flush.
"""

from datetime import date

BASES = [
    # code, label, regime, from, source, explanation
    (
        "cda_s115",
        "s115 Crime and Disorder Act 1998",
        "",
        None,
        "Crime and Disorder Act 1998 s115",
        "Any person may disclose information to a relevant authority (council, police, fire, probation, health, "
        "registered housing provider) where it is necessary for the community safety strategy or reducing crime and "
        "disorder. It is a power, not a duty: the sharing must still be lawful under data protection law.",
    ),
    (
        "isa",
        "Partnership information-sharing agreement",
        "",
        None,
        "Barnet Community Safety Partnership ISA",
        "The partnership's signed agreement sets out what is shared, with whom and why; it relies on one of the "
        "other bases and records the safeguards.",
    ),
    (
        "asb_s104",
        "s104 ASB, Crime and Policing Act 2014 (case review)",
        "",
        date(2014, 10, 20),
        "ASBCPA 2014 s104",
        "Relevant bodies must share information for an ASB Case Review (Community Trigger) when asked.",
    ),
    (
        "dpa_part3",
        "DPA 2018 Part 3 (law enforcement purposes)",
        "dpa_part3",
        date(2018, 5, 25),
        "Data Protection Act 2018 Part 3",
        "A competent authority (e.g. the police, or the council when prosecuting) processes for the prevention, "
        "investigation, detection or prosecution of offences. Sensitive data needs a Schedule 8 condition and an "
        "appropriate policy document; access is logged under s62.",
    ),
    (
        "consent",
        "Consent of the data subject",
        "uk_gdpr",
        None,
        "UK GDPR Art. 6(1)(a)",
        "Only where the person has a real choice and can withdraw it; rarely right for enforcement work, where the "
        "person cannot refuse without consequences.",
    ),
    (
        "safeguarding",
        "Safeguarding (Care Act 2014 / Children Act 1989)",
        "uk_gdpr",
        None,
        "Care Act 2014 s42-45; Children Act 1989 s47; DPA 2018 Sch 1 para 18",
        "Sharing to protect a child or an adult at risk from harm; may be done without consent where seeking it "
        "would put the person at risk.",
    ),
    (
        "recognised_li",
        "Recognised legitimate interests (UK GDPR Art. 6(1)(ea))",
        "uk_gdpr",
        date(2026, 2, 5),
        "Data (Use and Access) Act 2025 s70 and Annex 1",
        "From 5 February 2026: disclosure to a public body that asks for it for its public task, safeguarding "
        "vulnerable people, crime prevention and detection, national security and emergencies, without a balancing "
        "test. Not for a public authority's own tasks: those use public task.",
    ),
    (
        "public_task",
        "Public task (UK GDPR Art. 6(1)(e))",
        "uk_gdpr",
        None,
        "UK GDPR Art. 6(1)(e); DPA 2018 s8",
        "The processing is necessary for a task in the public interest or in the exercise of official authority "
        "set out in law (e.g. the council's ASB duties). A request from another public body can rely on it too.",
    ),
]


def seed_lawful_bases(LawfulBasis) -> None:
    for code, label, regime, start, source, explanation in BASES:
        LawfulBasis.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "regime": regime,
                "effective_from": start,
                "source": source,
                "explanation": explanation,
            },
        )
