"""Demo Community Trigger applications on top of the casework demo: a year of applications at every stage.

Eleven applications in the last twelve months (Barnet received 11 in 2022/23: 5 accepted, 6 rejected and
still responded to), built through the services so deadlines, history and links are real. Idempotent:
nothing is made when applications already exist.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from casework.models import Agency, Case

from . import letters, services
from .models import Application, ApplyingFor, Channel, ContactPreference, EscalationResult, ReportedTo

# days ago received, channel, applicant, applying for (victim, relationship), met?, how far it got
SCENARIOS = [
    (330, Channel.ONLINE, "Maria Evans", None, True, "closed_escalated"),
    (290, Channel.PHONE, "John Murphy", None, False, "closed"),
    (250, Channel.ONLINE, "Fatima Khan", ("Yusuf Khan", "Son"), True, "closed"),
    (
        210,
        Channel.EMAIL,
        "Cllr Peter Wilson",
        ("Deansbrook Road Residents' Association", "Ward councillor"),
        False,
        "reviewed_anyway",
    ),
    (170, Channel.ONLINE, "Olivia Novak", None, False, "closed"),
    (130, Channel.LETTER, "Ahmed Ali", None, True, "outcome_sent"),
    (95, Channel.ONLINE, "Grace Osei", None, False, "outcome_escalation_open"),
    (60, Channel.ONLINE, "Daniel Levy", None, True, "review_arranged"),
    (35, Channel.PHONE, "Leah Costa", None, False, "decided"),
    (12, Channel.ONLINE, "Ravi Singh", None, None, "acknowledged"),
    (3, Channel.ONLINE, "Chloe Brown", None, None, "received"),
]

PROBLEM = (
    "People dealing drugs from a car parked outside most evenings, shouting and threats in the street, "
    "and cannabis smoke coming into our home. It has gone on for months and we feel nothing has changed."
)


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _day(days_ago: int):
    return timezone.localdate() - timedelta(days=days_ago)


def load(*, stdout=None) -> None:
    say = stdout.write if stdout else (lambda _msg: None)
    if Application.objects.exists():
        say("Community Trigger demo: applications already present, nothing added\n")
        return
    User = get_user_model()
    manager = User.objects.filter(username="manager").first()
    council = Agency.objects.filter(short_name="lbb-community-safety").first()
    if manager is None or council is None:
        say("Community Trigger demo: casework demo not loaded, skipped\n")
        return
    approver = _approver(manager, council)
    bodies = list(Agency.objects.filter(short_name__in=["lbb-community-safety", "met-police", "barnet-homes"]))
    health = Agency.objects.filter(short_name="beh-mental-health").first()
    if health:
        bodies.append(health)
    police = Agency.objects.filter(short_name="met-police").first() or council
    cases = list(Case.objects.filter(address__isnull=False).select_related("address").order_by("id")[:11])
    made = 0
    for index, (days_ago, channel, name, victim, met, stage) in enumerate(SCENARIOS):
        case = cases[index] if index < len(cases) else None
        with transaction.atomic():
            _make(
                index=index,
                days_ago=days_ago,
                channel=channel,
                name=name,
                victim=victim,
                met=met,
                stage=stage,
                case=case,
                manager=manager,
                approver=approver,
                council=council,
                police=police,
                bodies=bodies,
            )
        made += 1
    say(f"Community Trigger demo: {made} applications\n")


def _approver(manager, council):
    """A second Community safety manager: outcome letters are approved by someone other than their writer."""
    from casework import roles
    from casework.demo import DEMO_PASSWORD, enrol_demo_authenticator, two_factor_roles
    from casework.services import add_member

    User = get_user_model()
    approver, created = User.objects.get_or_create(
        username="manager2",
        defaults={"first_name": "Amira", "last_name": "Hassan", "email": "manager2@barnet.example"},
    )
    if created:
        approver.set_password(DEMO_PASSWORD)
        approver.save()
        add_member(
            user=approver, agency=council, job_title="Community Safety Manager", roles=(roles.COMMUNITY_SAFETY_MANAGER,)
        )
        if roles.COMMUNITY_SAFETY_MANAGER in two_factor_roles():
            enrol_demo_authenticator(approver)
    return approver


def _make(
    *, index, days_ago, channel, name, victim, met, stage, case, manager, approver, council, police, bodies
) -> None:
    received_at = _at(days_ago)
    received_on = received_at.date()
    incident_days = [received_on - timedelta(days=d) for d in (70, 41, 20, 9)[: 2 + index % 3]]
    reports = [
        services.IncidentReport(
            occurred_on=day,
            reported_on=day + timedelta(days=1 if n % 2 else 0),
            reported_to=[ReportedTo.POLICE, ReportedTo.COUNCIL, ReportedTo.HOUSING][n % 3],
            agency_reference=f"CAD{4100 + index * 10 + n}" if n % 3 == 0 else "",
            hate_related=index == 2 and n == 0,
        )
        for n, day in enumerate(incident_days)
    ]
    if met is False and reports:
        # one report made long after the incident: it will not count towards the threshold
        reports[0].reported_on = reports[0].occurred_on + timedelta(days=45)
    first, last = name.split()[-2:] if len(name.split()) > 1 else (name, "")
    details = services.ApplicationDetails(
        applicant_name=name,
        applicant_email=f"{first.lower()}.{last.lower()}@example.org".replace("'", ""),
        applicant_phone=f"07700 900{100 + index:03d}",
        applicant_address=str(case.address.line1) if case else "1 Church Road",
        applicant_postcode=case.address.postcode if case else "NW4 4BQ",
        contact_preference=ContactPreference.LETTER if channel == Channel.LETTER else ContactPreference.EMAIL,
        applying_for=ApplyingFor.SOMEONE_ELSE if victim else ApplyingFor.SELF,
        victim_name=victim[0] if victim else "",
        victim_relationship=victim[1] if victim else "",
        victim_consent=bool(victim),
        problem_description=PROBLEM,
        problem_location=str(case.address.line1) if case else "Church Road",
        problem_postcode=case.address.postcode if case else "NW4 4BQ",
        incidents=reports,
    )
    application = services.receive_application(
        by=None if channel == Channel.ONLINE else manager,
        details=details,
        channel=channel,
        owner_agency=council,
        received_at=received_at,
    )
    if stage == "received":
        return
    services.record_acknowledgement(
        application=application,
        by=manager,
        method=ContactPreference.EMAIL,
        acknowledged_on=min(received_on + timedelta(days=2), timezone.localdate()),
    )
    if case is not None:
        services.link_case(application=application, case=case, by=manager, found_by=f"postcode {case.address.postcode}")
    if stage == "acknowledged":
        return
    decided_at = received_at + timedelta(days=14)
    check_text = "Demo: threshold check recorded at the decision."
    reason = (
        "Three or more incidents were reported within a month of happening in the last six months."
        if met
        else "Fewer than three incidents were reported within a month of happening in the six months before "
        "the application, and none was hate-motivated."
    )
    application = services.record_threshold_decision(
        application=application, by=manager, met=bool(met), reason=reason, reasoning=check_text, decided_at=decided_at
    )
    if stage == "decided":
        return
    reviewed = met or stage == "reviewed_anyway"
    if reviewed:
        meeting_on = (decided_at + timedelta(days=21)).date()
        services.arrange_review(
            application=application,
            by=manager,
            meeting_on=meeting_on,
            location="Hendon Town Hall",
            agencies=bodies,
            victim_invited=True,
        )
        if stage == "review_arranged":
            return
        for agency in bodies:
            services.record_contribution(
                application=application,
                by=manager,
                agency=agency,
                information=f"{agency.short_name}: reports checked; visits and patrols made in the last six months.",
            )
        for description, owner, days in (
            ("Seek witness statements door to door and serve a CPN written warning on the address.", council, 28),
            ("Add the road to Safer Neighbourhood Team patrols in the evenings.", police, 14),
        ):
            services.add_recommendation(
                application=application,
                by=manager,
                description=description,
                owner_agency=owner,
                due_date=meeting_on + timedelta(days=days),
            )
        services.record_review_held(
            application=application,
            by=manager,
            held_on=meeting_on,
            attended=bodies,
            findings="Reports had been handled by each agency separately; no joined-up plan was in place.",
        )
        application.refresh_from_db()
    sent_at = _at(max(days_ago - 40, 1), 15)
    letter = services.save_outcome_draft(
        application=application,
        by=manager,
        at=sent_at - timedelta(days=2),
        body=(
            "We looked at your case with the council, the police and your housing provider. "
            "We agree more could have been done together, and we have agreed the actions below."
            if reviewed
            else "We have asked the police and the council to keep each other informed of every report you make. "
            "Please keep reporting each incident."
        ),
    )
    services.approve_outcome(
        application=application,
        by=approver,
        fingerprint=letters.fingerprint(letter),
        at=sent_at - timedelta(days=1),
    )
    services.send_outcome(application=application, by=manager, posted_on=sent_at.date(), sent_at=sent_at)
    if stage in ("closed", "closed_escalated", "reviewed_anyway"):
        services.close_application(
            application=application,
            by=manager,
            notes="The outcome letter was sent and the agreed actions are under way.",
            closed_at=sent_at + timedelta(days=7),
        )
    if stage in ("closed_escalated", "outcome_escalation_open"):
        requested_on = min(sent_at.date() + timedelta(days=10), timezone.localdate())
        escalation = services.request_escalation(
            application=application,
            by=manager,
            requested_on=requested_on,
            grounds="The applicant feels the agencies did not act on the review's recommendations quickly enough.",
        )
        if stage == "closed_escalated":
            services.record_escalation_result(
                escalation=escalation,
                by=manager,
                result=EscalationResult.HANDLING_UPHELD,
                notes="MOPAC found the review was carried out properly.",
                concluded_on=min(requested_on + timedelta(days=30), timezone.localdate()),
            )
