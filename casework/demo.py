"""A believable Barnet for demos and browser tests: wards, the board's agencies, a user per role, and a
year of cases created through the services (so permissions, history and disclosures are all real)."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import roles, services
from .models import AgencyKind, Case, CaseCategory, CaseOutcome, CaseStatus, LegalBasis, PartyRole, Ward

DEMO_PASSWORD = "Barnet-demo-2026"

# The 24 wards of the London Borough of Barnet (2022 boundaries), as listed in seed 003.
WARDS = [
    "Barnet Vale",
    "Brunswick Park",
    "Burnt Oak",
    "Childs Hill",
    "Colindale North",
    "Colindale South",
    "Cricklewood",
    "East Barnet",
    "East Finchley",
    "Edgware",
    "Edgwarebury",
    "Finchley Church End",
    "Friern Barnet",
    "Garden Suburb",
    "Golders Green",
    "Hendon",
    "High Barnet",
    "Mill Hill",
    "Totteridge & Whetstone",
    "Underhill",
    "West Finchley",
    "West Hendon",
    "Whetstone",
    "Woodhouse",
]

# The agencies that sit on the Safer Communities Partnership Board in the seeds.
AGENCIES = [
    ("London Borough of Barnet – Community Safety", "lbb-community-safety", AgencyKind.COUNCIL),
    ("Barnet Homes", "barnet-homes", AgencyKind.HOUSING),
    ("Metropolitan Police – North West BCU", "met-police", AgencyKind.POLICE),
    ("Probation Service – Barnet", "probation", AgencyKind.PROBATION),
    ("London Fire Brigade", "lfb", AgencyKind.FIRE),
    ("Barnet, Enfield and Haringey Mental Health Trust", "beh-mental-health", AgencyKind.HEALTH),
    ("Barnet Adults and Children's Social Care", "social-care", AgencyKind.SOCIAL_CARE),
    ("Victim Support", "victim-support", AgencyKind.VICTIM_SUPPORT),
    ("Inclusion Barnet", "inclusion-barnet", AgencyKind.VOLUNTARY),
]

# username, first, last, agency short name, role, job title
USERS = [
    (
        "officer",
        "Priya",
        "Shah",
        "lbb-community-safety",
        roles.ENFORCEMENT_OFFICER,
        "Investigation & Enforcement Officer",
    ),
    (
        "officer2",
        "Tom",
        "Okafor",
        "lbb-community-safety",
        roles.ENFORCEMENT_OFFICER,
        "Investigation & Enforcement Officer",
    ),
    ("coordinator", "Helen", "Marsh", "lbb-community-safety", roles.MARAC_COORDINATOR, "CS MARAC Coordinator"),
    ("manager", "David", "Rahman", "lbb-community-safety", roles.COMMUNITY_SAFETY_MANAGER, "Community Safety Manager"),
    ("auditor", "Grace", "Lindqvist", "lbb-community-safety", roles.AUDITOR, "Information Governance Officer"),
    ("admin", "Sam", "Patel", "lbb-community-safety", roles.ADMINISTRATOR, "System Administrator"),
    ("housing", "Aisha", "Begum", "barnet-homes", roles.PARTNER_CASEWORKER, "ASB Officer"),
    ("police", "Mark", "Dunne", "met-police", roles.PARTNER_CASEWORKER, "Safer Neighbourhoods PC"),
    ("police2", "Lena", "Kowalski", "met-police", roles.PARTNER_CASEWORKER, "Safer Neighbourhoods Sergeant"),
    ("probation", "Chris", "Adeyemi", "probation", roles.PARTNER_CASEWORKER, "Probation Officer"),
    ("fire", "Jo", "Whitfield", "lfb", roles.PARTNER_CASEWORKER, "Community Safety Officer"),
    ("mentalhealth", "Ruth", "Ellis", "beh-mental-health", roles.PARTNER_CASEWORKER, "Community Psychiatric Nurse"),
    ("victimsupport", "Nadia", "Haddad", "victim-support", roles.PARTNER_CASEWORKER, "Caseworker"),
]

ROLE_OF_USER = {u[0]: u[4] for u in USERS}

STREETS = [
    "Church Road",
    "High Street",
    "Station Road",
    "Ballards Lane",
    "The Broadway",
    "Watling Avenue",
    "Colindale Avenue",
    "Regents Park Road",
    "Hendon Way",
    "Cat Hill",
    "Oakleigh Road North",
    "Edgware Way",
    "Deansbrook Road",
    "Mill Hill Broadway",
    "Golders Green Road",
    "Totteridge Lane",
]
FIRST = [
    "Maria",
    "John",
    "Fatima",
    "Kwame",
    "Olivia",
    "Yusuf",
    "Sophie",
    "Ahmed",
    "Grace",
    "Daniel",
    "Amira",
    "Peter",
    "Leah",
    "Ravi",
    "Chloe",
    "Ibrahim",
    "Ella",
    "Marcus",
    "Zainab",
    "Harry",
]
LAST = [
    "Evans",
    "Khan",
    "Murphy",
    "Novak",
    "Osei",
    "Levy",
    "Costa",
    "Ahmed",
    "Brown",
    "Greenberg",
    "Ali",
    "Papadopoulos",
    "Wilson",
    "Singh",
    "Taylor",
    "Nwosu",
    "Cohen",
    "Hughes",
    "Mensah",
    "Clarke",
]
PROBLEMS = {
    CaseCategory.ASB_PERSONAL: (
        "Intimidation of resident",
        "Neighbour shouting abuse and banging on the door late at night.",
    ),
    CaseCategory.ASB_NUISANCE: (
        "Groups gathering in stairwell",
        "Youths congregating in the communal stairwell, smoking cannabis and leaving litter.",
    ),
    CaseCategory.ASB_ENVIRONMENTAL: (
        "Rubbish accumulating in front garden",
        "Bags of household waste left in the front garden attracting rats.",
    ),
    CaseCategory.NOISE: ("Loud music from flat", "Amplified music most nights until 3am."),
    CaseCategory.DRUG_RELATED: (
        "Suspected drug dealing from address",
        "Frequent short visits to the address; needles found nearby.",
    ),
    CaseCategory.FLY_TIPPING: (
        "Repeated fly-tipping in service road",
        "Builders' waste dumped behind the parade at least weekly.",
    ),
    CaseCategory.LITTERING: ("Littering outside takeaway", "Customers dropping packaging; bins overflowing."),
    CaseCategory.WASTE_DUTY_OF_CARE: (
        "Trade waste without transfer notes",
        "Shop cannot produce waste transfer notes (s34).",
    ),
    CaseCategory.GRAFFITI: ("Tagging on shop shutters", "Repeated graffiti tags along the parade."),
    CaseCategory.ABANDONED_VEHICLE: ("Untaxed van left on street", "Van with flat tyres and no plates for six weeks."),
    CaseCategory.ENCAMPMENT: (
        "Unauthorised encampment on playing field",
        "Six caravans arrived on the park overnight.",
    ),
    CaseCategory.MEMBERS_ENQUIRY: (
        "Councillor enquiry: ASB at parade",
        "Ward councillor raising residents' concerns about the parade.",
    ),
}


def load(*, cases: int = 300, seed: int = 2026, stdout=None) -> dict[str, int]:
    """Build the demo borough. Idempotent: reference data and users are matched, cases only made once."""
    say = stdout.write if stdout else (lambda _msg: None)
    with transaction.atomic():
        wards = [Ward.objects.get_or_create(name=n, defaults={"code": _slug(n)})[0] for n in WARDS]
        agencies = {
            short: services.create_agency(name=name, short_name=short, kind=kind) for name, short, kind in AGENCIES
        }
        users = {}
        User = get_user_model()
        for username, first, last, agency_short, role, title in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@barnet.example",
                    "is_staff": role == roles.ADMINISTRATOR,
                    "is_superuser": False,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            services.add_member(
                user=user,
                agency=agencies[agency_short],
                job_title=title,
                roles=(role,),
                work_phone=f"020 7946 0{len(users):03d}",  # Ofcom drama range; printed on their notices
            )
            users[username] = user
            if role in two_factor_roles():
                enrol_demo_authenticator(user)
    made = 0
    if not Case.objects.exists():
        made = _make_cases(count=cases, rng=random.Random(seed), wards=wards, agencies=agencies, users=users)
    say(f"Demo data: {len(wards)} wards, {len(agencies)} agencies, {len(users)} users, {made} new cases\n")
    return {"wards": len(wards), "agencies": len(agencies), "users": len(users), "cases": made}


def two_factor_roles() -> list[str]:
    """The roles whose demo users get an authenticator: those that require two-factor as configured now
    (none on a developer's machine with TWO_FACTOR_RELAXED, and none in the relaxed test suite)."""
    from django.conf import settings

    if settings.SECURITY.get("TWO_FACTOR_RELAXED"):
        return []
    return settings.SECURITY.get("TWO_FACTOR_REQUIRED_ROLES", [])


def demo_totp_key(username: str) -> str:
    """A published, fixed key per demo user, so `make run` can sign in as roles that require two-factor.

    Not a secret: demo data only. `manage.py demo_code <username>` prints the current code for it.
    """
    import hashlib

    return hashlib.sha1(f"safer-communities-demo-totp-{username}".encode()).hexdigest()


def enrol_demo_authenticator(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"key": demo_totp_key(user.username), "confirmed": True}
    )
    return device


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("&", "and"))


def _make_cases(*, count, rng, wards, agencies, users) -> int:
    council = agencies["lbb-community-safety"]
    officers = [users["officer"], users["officer2"]]
    now = timezone.now()
    categories = list(PROBLEMS)
    partner_pattern = [
        ("met-police", 0.45, True),
        ("barnet-homes", 0.35, True),
        ("victim-support", 0.12, False),
        ("beh-mental-health", 0.08, False),
        ("probation", 0.06, False),
        ("lfb", 0.04, False),
    ]
    for n in range(count):
        officer = officers[n % 2]
        lead_housing = rng.random() < 0.15
        category = rng.choice(categories)
        title, description = PROBLEMS[category]
        ward = rng.choice(wards)
        opened = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 23))
        by = users["housing"] if lead_housing else officer
        with transaction.atomic():
            address = services.create_address(
                by=by,
                line1=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
                postcode=_postcode(rng),
                ward=ward,
            )
            case = services.create_case(
                by=by,
                title=title,
                category=category,
                description=description,
                ward=ward,
                address=address,
                officer=None if lead_housing else officer,
                hate_related=rng.random() < 0.06,
                opened_at=opened,
            )
            victim = services.create_person(
                by=by,
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                phone=f"07700 9{rng.randint(10000, 99999)}",
                address=address,
            )
            victim_party = services.add_party(
                case=case, by=by, role=PartyRole.VICTIM, person=victim, is_anonymous=rng.random() < 0.25
            )
            if rng.random() < 0.7:
                perp = services.create_person(by=by, first_name=rng.choice(FIRST), last_name=rng.choice(LAST))
                services.add_party(case=case, by=by, role=PartyRole.PERSON_CAUSING_HARM, person=perp)
            for _ in range(rng.randint(1, 4)):
                occurred = opened - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 12))
                services.add_incident(
                    case=case,
                    by=by,
                    occurred_at=occurred,
                    reported_at=occurred + timedelta(hours=rng.randint(1, 72)),
                    reported_to=rng.choice([council, agencies["met-police"], agencies["barnet-homes"]]),
                    description=description,
                    agency_reference=f"CAD{rng.randint(1000, 9999)}",
                    reported_by=victim_party,
                )
            if (
                category
                in (CaseCategory.ASB_PERSONAL, CaseCategory.ASB_NUISANCE, CaseCategory.NOISE, CaseCategory.DRUG_RELATED)
                or rng.random() < 0.3
            ):
                answers = {
                    k: rng.random() < 0.3
                    for k in (
                        "targeted_identity",
                        "violence",
                        "disability",
                        "health_impact",
                        "fear_home",
                        "isolated",
                        "moving",
                    )
                }
                services.record_risk_assessment(
                    case=case, by=by, answers=answers, repeat_victimisation_count=rng.randint(0, 8), victim=victim_party
                )
            for short, chance, can_change in partner_pattern:
                partner = agencies[short]
                if partner != case.lead_agency and rng.random() < chance:
                    services.share_case(
                        case=case,
                        agency=partner,
                        legal_basis=LegalBasis.CDA_S115,
                        purpose="Joint problem-solving of ASB affecting the victim",
                        by=by,
                        can_change=can_change,
                    )
            if lead_housing:
                services.share_case(
                    case=case,
                    agency=council,
                    legal_basis=LegalBasis.ISA,
                    purpose="Council enforcement powers may be needed",
                    by=by,
                    can_change=True,
                )
            services.add_action(
                case=case,
                by=by,
                description="Visit the victim and complete a diary sheet",
                owner_agency=case.lead_agency,
                owner=None if lead_housing else officer,
                due_date=(now + timedelta(days=rng.randint(-20, 30))).date(),
            )
            services.add_note(case=case, by=by, text="Initial contact made with the complainant.")
            _advance(case, by, rng)
    return count


def _postcode(rng) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    district = rng.choice([2, 3, 11, 12, 14, 20])
    return f"N{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _advance(case, by, rng) -> None:
    path = [CaseStatus.INVESTIGATING, CaseStatus.ENFORCEMENT, CaseStatus.MONITORING]
    steps = rng.choice([0, 1, 1, 2, 3, 4, 4])
    for status in path[: min(steps, 3)]:
        case = services.transition_case(case=case, by=by, to=status)
    if steps >= 4:
        services.transition_case(
            case=case,
            by=by,
            to=CaseStatus.CLOSED,
            outcome=rng.choice(list(CaseOutcome.values)),
            outcome_notes="Closed after review.",
        )
