"""Demo enforcement for the demo borough, built through the services on top of casework's demo.

Barnet's borough-wide PSPO (December 2022, 11 conditions, extended), the seed 003 Community Trigger case
study (written warning -> breach -> CPN -> breach -> closure notice -> full closure order), written
warnings across the year, on-the-spot fixed penalties by offence code (paid, unpaid, cancelled, listed for
prosecution), PSPO breaches, a CBO and an injunction. Idempotent: if the PSPO exists, nothing is added.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from casework import services as casework_services
from casework.models import Case, CaseCategory, CaseStatus, PartyRole

from . import periods, services
from .models import OffenceCode, PowerOfArrestGround, PublicSpacesProtectionOrder
from .reference import seed_offence_codes

PSPO_TITLE = "Barnet borough-wide Public Spaces Protection Order"
PSPO_CONDITIONS = [
    "Not to commit alcohol related nuisance / anti-social behaviour.",
    "Not to cause harassment, alarm, or distress to any individual(s) by committing anti-social behaviour.",
    "You must pick up all dog fouling belonging to a dog under your control.",
    "Not to drive any vehicles on/in green spaces without prior written permission of the council.",
    "Not to be in possession of, or misuse fireworks in any public space in Barnet unless individually licensed "
    "by the council.",
    "You must not have any more than 6 dogs under your control at any time.",
    "Not to urinate/defecate, spit or litter in a public place.",
    "Not to beg in an aggressive or intimidating manner.",
    "Not to promote or deliver any music events unless individually licensed by the council.",
    "Not to misuse, nor share with others, or be in possession of any intoxicating substances.",
    "Not to start or attempt to build any open fires or BBQs in Barnet's green spaces.",
]
HOUSING_ADVICE = "Barnet Homes Housing Options, 2 Bristol Avenue, Colindale NW9 4EW – 020 8359 2000"
LEGAL_ADVICE = "Citizens Advice Barnet – 0808 278 7847; Barnet Law Service – 020 8201 0000"
COURT = "Willesden Magistrates' Court, 448 High Road, London NW10 2DZ"

STREET_OFFENCES = [
    ("CST01", "Dropped a cigarette end on the pavement", "Station Road, outside the station"),
    ("CST01", "Threw a drinks can into the gutter", "The Broadway, by the bus stop"),
    ("CST13", "Dumped builders' rubble in the service road", "Service road behind Watling Avenue"),
    ("CST07a", "Household waste left by an unlicensed collector", "Deansbrook Road"),
    ("CST11", "Tagged shop shutters with spray paint", "Burnt Oak Broadway"),
    ("CST15", "Left A-boards blocking the footway", "Ballards Lane"),
    ("CST17", "Smoking inside a café", "Golders Green Road"),
    ("CST12", "Repairing cars for business on the road", "Edgware Way"),
]
NAMES = ["Sam Walker", "Ava Green", "Tom Harris", "Lily Shaw", "Omar Aziz", "Ben Price", "Maya Bell", "Jon Reed"]


def load(*, stdout=None, seed: int = 2026) -> None:
    say = stdout.write if stdout else (lambda _msg: None)
    if PublicSpacesProtectionOrder.objects.filter(title=PSPO_TITLE).exists():
        say("Enforcement demo: already loaded\n")
        return
    seed_offence_codes(OffenceCode)  # a flushed test database has lost the migration's reference data
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["officer", "officer2"])}
    if len(users) < 2:
        say("Enforcement demo: casework demo users missing; skipped\n")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        pspo = _pspo(users["officer"], today)
        cases = list(
            Case.objects.filter(lead_agency__short_name="lbb-community-safety")
            .exclude(status=CaseStatus.CLOSED)
            .order_by("opened_at", "id")
        )
        study = _case_study(cases, users["officer"], today)
        warnings = _warnings(cases, users, rng, today)
        fpns = _street_fpns(users, rng, today)
        breaches = _pspo_breaches(pspo, users["officer2"], rng, today)
        orders = _court_orders(cases, users["officer"], today)
    say(
        f"Enforcement demo: PSPO with {len(PSPO_CONDITIONS)} conditions, case study on "
        f"{study.reference if study else 'no case'}, {warnings} written warnings, {fpns} fixed penalties, "
        f"{breaches} PSPO breaches, {orders} court orders\n"
    )


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _recipient(case, by, first_name: str, last_name: str, born: date):
    person = casework_services.create_person(by=by, first_name=first_name, last_name=last_name, date_of_birth=born)
    casework_services.add_party(case=case, by=by, role=PartyRole.PERSON_CAUSING_HARM, person=person)
    return person


def _pspo(officer, today: date):
    start = date(2022, 12, 1)
    pspo = services.make_pspo(
        by=officer,
        title=PSPO_TITLE,
        area_description="All public spaces in the London Borough of Barnet, including parks and green spaces.",
        made_on=date(2022, 11, 24),
        in_force_from=start,
        expires_on=periods.last_day_of_period(start, years=3),
        consultation_started_on=date(2022, 7, 1),
        consultation_ended_on=date(2022, 9, 30),
        consultees="Metropolitan Police North West BCU; MOPAC (Police and Crime Commissioner); residents, "
        "businesses and community groups (online consultation); owners of land affected.",
        consultation_summary="Most respondents supported all eleven conditions; fireworks and dog conditions "
        "drew the most comments.",
        conditions=PSPO_CONDITIONS,
    )
    if today > date(2025, 10, 15):
        services.extend_pspo(
            pspo=pspo,
            by=officer,
            decided_on=date(2025, 10, 15),
            new_expires_on=services.pspo_latest_extension(pspo.expires_on),
            reason="Review of three years' breaches and a further consultation (July to September 2025) "
            "showed the problems persist; police and MOPAC supported extension.",
        )
    return pspo


def _case_study(cases, officer, today: date):
    """Seed 003's Community Trigger case study: warning, breach, CPN, breach, closure notice and order."""
    study = next((c for c in cases if c.category == CaseCategory.DRUG_RELATED), cases[0] if cases else None)
    if study is None:
        return None
    start = today - timedelta(days=120)
    person = _recipient(study, officer, "Darren", "Pike", date(1989, 7, 14))
    warning = services.serve_written_warning(
        case=study,
        by=officer,
        recipient_person=person,
        recipient_address=str(study.address) if study.address else "The address on the case",
        conduct="Drug dealing and drug smoking at and outside the address; shouting, threats and foul language "
        "in the street; vehicles arriving for short 'exchanges' at all hours.",
        requirements="Stop using or allowing the address to be used for the supply or use of controlled drugs; "
        "stop shouting, threatening or using foul language towards residents in the road.",
        compliance_deadline=start + timedelta(days=14),
        served_at=_aware(start, 11),
        served_how="in_person",
    )
    services.record_warning_breach(
        warning=warning,
        by=officer,
        on=start + timedelta(days=10),
        notes="Further complaints and two witness statements (anonymised) of dealing from the address.",
    )
    cpn = services.issue_cpn(
        case=study,
        by=officer,
        warning=warning,
        issued_on=start + timedelta(days=15),  # s43(5)(b): only once the warning's 14 days have passed
        served_how="in_person",
        compliance_deadline=start + timedelta(days=22),
    )
    services.record_cpn_breach(
        cpn=cpn,
        by=officer,
        occurred_on=start + timedelta(days=40),
        description="Visitors exchanging packages at the door; shouting in the street at 1am.",
        evidence_summary="Redacted witness statements; officers' observations as professional witnesses; photographs.",
    )
    served = _aware(start + timedelta(days=60), 9, 30)
    notice = services.issue_closure_notice(
        case=study,
        by=officer,
        premises=str(study.address) if study.address else "The address on the case",
        prohibition="All persons, except the owner of the premises.",
        authorised_by_role="council",
        authorised_by_name="Head of Community Safety (authorised officer)",
        consultation="Metropolitan Police North West BCU; Barnet Homes; Family Services.",
        people_informed="The occupier; the owner of the property (private landlord).",
        served_at=served,
        duration_hours=24,
        hearing_court=COURT,
        hearing_at=served + timedelta(hours=26),
        housing_advice=HOUSING_ADVICE,
        legal_advice=LEGAL_ADVICE,
    )
    # The occupier asked for time to show why no order should be made: adjourned a week (s81(3)-(4)).
    notice = services.adjourn_closure_hearing(
        notice=notice,
        by=officer,
        adjourned_on=timezone.localtime(notice.hearing_at).date(),
        new_hearing_at=notice.hearing_at + timedelta(days=7),
        notice_continues=True,
        reason="Adjourned at the occupier's request to allow the landlord to attend; notice continued.",
    ).notice
    services.grant_closure_order(
        notice=notice,
        by=officer,
        heard_at=notice.hearing_at,
        court=COURT,
        scope="full",
        starts_on=timezone.localtime(notice.hearing_at).date(),
        ends_on=services.closure_order_latest_end(timezone.localtime(notice.hearing_at).date()),
    )
    if study.status != CaseStatus.ENFORCEMENT:
        for status in (CaseStatus.INVESTIGATING, CaseStatus.ENFORCEMENT):
            if status in casework_services.TRANSITIONS.get(study.status, set()):
                study = casework_services.transition_case(case=study, by=officer, to=status)
    return study


def _warnings(cases, users, rng, today: date) -> int:
    """Written warnings across the year (most complied with, a few breached into CPNs)."""
    made = 0
    for n, case in enumerate(cases[1:25]):
        by = users["officer"] if case.officer_id == users["officer"].pk else users["officer2"]
        served_on = max(case.opened_at.date(), today - timedelta(days=330)) + timedelta(days=rng.randint(3, 20))
        if served_on >= today:
            continue
        person = _recipient(case, by, rng.choice(["Jay", "Kyle", "Ria", "Leon", "Tanya"]), f"Demo{n}", date(1985, 1, 1))
        warning = services.serve_written_warning(
            case=case,
            by=by,
            recipient_person=person,
            recipient_address=str(case.address) if case.address else "Address on the case",
            conduct=case.description,
            requirements="Stop the behaviour described, and do not repeat it.",
            compliance_deadline=served_on + timedelta(days=14),
            served_at=_aware(served_on, 14),
            served_how=rng.choice(["in_person", "post", "left_at_address"]),
        )
        made += 1
        deadline = warning.compliance_deadline
        if deadline >= today:
            continue
        if n % 6 == 5:
            services.record_warning_breach(warning=warning, by=by, on=deadline, notes="Complaints continued.")
            services.issue_cpn(
                case=case,
                by=by,
                warning=warning,
                issued_on=min(deadline + timedelta(days=3), today),
                served_how="in_person",
                compliance_deadline=min(deadline + timedelta(days=3), today) + timedelta(days=14),
            )
        elif n % 3 == 0:
            services.mark_warning_complied(warning=warning, by=by, on=deadline, notes="No further reports.")
    return made


def _street_fpns(users, rng, today: date) -> int:
    made = 0
    for n in range(32):
        code, description, location = STREET_OFFENCES[n % len(STREET_OFFENCES)]
        issued_on = today - timedelta(days=rng.randint(1, 300))
        by = users["officer"] if n % 2 else users["officer2"]
        issued_at = _aware(issued_on, rng.randint(9, 19), rng.choice([0, 15, 30, 45]))
        fpn = services.issue_fpn(
            by=by,
            offence_code=code,
            issued_at=issued_at,
            offence_at=issued_at - timedelta(minutes=5),
            offence_description=description,
            location=location,
            recipient_name=rng.choice(NAMES),
            recipient_address=f"{rng.randint(1, 90)} {rng.choice(['Church Road', 'High Street', 'Hendon Way'])}",
        )
        made += 1
        roll = rng.random()
        if roll < 0.55 and fpn.early_payment_until <= today:
            services.record_fpn_payment(
                fpn=fpn,
                by=by,
                paid_on=fpn.early_payment_until,
                amount=fpn.early_payment_amount,
                payment_reference=f"PAY{n:04d}",
            )
        elif roll < 0.65 and fpn.payment_due <= today:
            services.record_fpn_payment(fpn=fpn, by=by, paid_on=fpn.payment_due, amount=fpn.full_amount)
        elif roll < 0.72:
            services.cancel_fpn(fpn=fpn, by=by, reason="Recipient gave evidence the offence was not theirs.")
        elif roll < 0.85 and fpn.payment_due < today - timedelta(days=7):
            services.list_fpn_for_prosecution(fpn=fpn, by=by, on=fpn.payment_due + timedelta(days=3))
    return made


def _pspo_breaches(pspo, officer, rng, today: date) -> int:
    made = 0
    for n in range(14):
        when = _aware(today - timedelta(days=rng.randint(1, 200)), rng.randint(12, 23))
        condition = pspo.conditions.get(number=rng.choice([1, 3, 7, 9, 10]))
        breach = services.record_pspo_breach(
            pspo=pspo,
            condition=condition,
            by=officer,
            occurred_at=when,
            location=rng.choice(["Burnt Oak Broadway", "Hendon Park", "Victoria Park, Finchley", "Edgware station"]),
            description="Seen by patrolling officers; warned and details taken.",
            offender_name=rng.choice(NAMES),
            offender_address=f"{rng.randint(1, 90)} Station Road",
        )
        made += 1
        if n % 2 == 0:
            services.issue_fpn_for_pspo_breach(
                breach=breach,
                by=officer,
                issued_at=when + timedelta(minutes=10),
                offence_description=f"Breach of PSPO condition {condition.number}",
            )
    return made


def _court_orders(cases, officer, today: date) -> int:
    if len(cases) < 4:
        return 0
    adult_case, youth_case = cases[-1], cases[-2]
    adult = _recipient(adult_case, officer, "Wayne", "Thorne", date(1984, 2, 3))
    cbo = services.record_cbo(
        case=adult_case,
        by=officer,
        subject=adult,
        subject_date_of_birth=adult.date_of_birth,
        court="Hendon Magistrates' Court, The Hyde, London NW9 7BY",
        conviction_offence="Criminal damage and harassment",
        application_heard_on=today - timedelta(days=90),
        made_on=today - timedelta(days=90),
        starts_on=today - timedelta(days=90),
        ends_on=None,
        prohibitions="Not to enter Watling Avenue; not to contact the victims directly or indirectly.",
    )
    services.vary_order(
        order=cbo,
        by=officer,
        decided_on=today - timedelta(days=20),
        court="Hendon Magistrates' Court, The Hyde, London NW9 7BY",
        new_prohibitions="Not to enter Watling Avenue or Burnt Oak Broadway; not to contact the victims directly "
        "or indirectly.",
        reason="Varied on the council's application after further incidents on Burnt Oak Broadway.",
    )
    youth = _recipient(youth_case, officer, "Callum", "Reeve", today - timedelta(days=16 * 365 + 40))
    services.record_injunction(
        case=youth_case,
        by=officer,
        subject=youth,
        subject_date_of_birth=youth.date_of_birth,
        court="Barnet Youth Court",
        application_heard_on=today - timedelta(days=300),
        made_on=today - timedelta(days=300),
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=60),
        prohibitions="Not to enter the Grahame Park estate's communal areas after 9pm.",
        requirements="Attend the youth offending service's ASB programme.",
        power_of_arrest=True,
        power_of_arrest_terms="The prohibition on entering the communal areas.",
        power_of_arrest_ground=PowerOfArrestGround.RISK_OF_HARM,
    )
    return 2
