"""factory-boy factories for every app. Domain records are made through services where history matters."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from casework import roles, services
from casework.models import Agency, AgencyKind, Case, CaseCategory, Ward

PASSWORD = "Correct-horse-battery-1"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ward {n}")
    code = factory.Sequence(lambda n: f"ward-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"agency-{n}")
    kind = AgencyKind.COUNCIL
    group = factory.LazyAttribute(lambda o: Group.objects.get_or_create(name=f"Agency: {o.name}")[0])


STAFF_FIRST_NAMES = ["Aisha", "Daniel", "Grace", "Oliver", "Fatima", "James", "Chloe", "Samuel", "Nadia", "Rhys"]
STAFF_LAST_NAMES = ["Hughes", "Morgan", "Clarke", "Bennett", "Ahmed", "Turner", "Reid", "Foster", "Lindqvist"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Staff names come from a fixed list no test uses as case data: a random "Maria" or "Kevin" signed in
    # would otherwise turn the leak checks on a page's header into flaky failures.
    first_name = factory.Iterator(STAFF_FIRST_NAMES)
    last_name = factory.Iterator(STAFF_LAST_NAMES)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        """UserFactory(membership=(agency, role)) makes the user a member of an agency with a role."""
        if create:
            self.save()
        if extracted:
            agency, role = extracted
            services.add_member(user=self, agency=agency, roles=(role,))


def make_member(agency: Agency, role: str, username: str | None = None, **kwargs):
    extra = {"username": username} if username else {}
    return UserFactory(membership=(agency, role), is_staff=role == roles.ADMINISTRATOR, **extra, **kwargs)


class CaseFactory(factory.Factory):
    """Cases are opened through services.create_case so the lead agency gets its object permissions."""

    class Meta:
        model = Case

    by = None
    title = factory.Sequence(lambda n: f"Noise nuisance {n}")
    category = CaseCategory.NOISE
    description = "Loud music late at night."
    ward = factory.SubFactory(WardFactory)

    @classmethod
    def _create(cls, model_class, *, by, **kwargs):
        kwargs.setdefault("opened_at", timezone.now())
        return services.create_case(by=by, **kwargs)


# --- audit ---
def log_case_views(*, case, user, count: int = 1, agency: str = "", page: str = "summary") -> list:
    """Access-log rows as the case pages write them (through audit.services, so the hash chain holds)."""
    from audit.services import log_access

    return [
        log_access(
            user=user,
            agency=agency,
            action="view",
            object_type="case",
            object_id=case.pk,
            object_label=case.reference,
            case_id=case.pk,
            details={"page": page},
            path=f"/cases/{case.reference}/",
        )
        for _ in range(count)
    ]


def close_case_years_ago(case, *, by, years: float):
    """Close a case through the service, then move its closure date back (the case table is not append-only)."""
    from datetime import timedelta

    from casework.models import Case, CaseOutcome, CaseStatus

    services.transition_case(
        case=case, by=by, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes="Behaviour stopped."
    )
    closed_at = timezone.now() - timedelta(days=round(365.25 * years))
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
    case.refresh_from_db()
    return case


def open_case_at(*, by, ward, line: str, postcode: str, title: str = "c") -> Case:
    """A noise case opened through the service at an address."""
    return services.open_case(
        by=by, title=title, category="noise", description="x", ward=ward, address_line1=line, postcode=postcode
    )


def open_cases_at_one_address(*, by, ward) -> tuple[Case, Case]:
    """Two cases opened at the same address written two ways (case and spacing differ): a repeat location."""
    return (
        open_case_at(by=by, ward=ward, title="a", line="1 Grove Court", postcode="NW9 5XX"),
        open_case_at(by=by, ward=ward, title="b", line="1 grove court", postcode="nw95xx"),
    )


# --- triggers ---


def incident_report(occurred_on, reported_on=None, *, reported_to="police", hate_related=False, reference=""):
    """An incident as an applicant lists it (reported the same day unless said otherwise)."""
    from triggers.services import IncidentReport

    return IncidentReport(
        occurred_on=occurred_on,
        reported_on=reported_on or occurred_on,
        reported_to=reported_to,
        agency_reference=reference,
        hate_related=hate_related,
    )


class TriggerApplicationFactory(factory.Factory):
    """Community Trigger applications are received through triggers.services so deadlines and history are set.

    TriggerApplicationFactory(owner_agency=council, received_at=..., incidents=[incident_report(...)], by=None)
    """

    class Meta:
        model = dict

    by = None
    owner_agency = None
    channel = "online"
    received_at = None
    incidents = factory.LazyFunction(list)
    applicant_name = factory.Sequence(lambda n: f"Resident {n} Applicant")
    applicant_email = factory.Sequence(lambda n: f"resident{n}@example.org")
    contact_preference = "email"
    problem_description = "Drug dealing and shouting in the street most nights."
    problem_location = "Deansbrook Road"
    problem_postcode = "HA8 9BE"

    @classmethod
    def _create(cls, model_class, *, by, owner_agency, channel, received_at, incidents, **details):
        from triggers import services

        return services.receive_application(
            by=by,
            details=services.ApplicationDetails(incidents=list(incidents), **details),
            channel=channel,
            owner_agency=owner_agency,
            received_at=received_at,
        )


# --- marac ---


class MaracReferralFactory(factory.Factory):
    """A CS MARAC referral made through marac.services.refer_case (shares, repeat flag, history all real).

    MaracReferralFactory(case=case, by=user) refers; add accept_by=coordinator to put it on the MARAC.
    """

    class Meta:
        model = "marac.Referral"

    case = None
    by = None
    reason = "Persistent intimidation of a vulnerable victim; the victim is afraid to leave the flat."
    risk_level = "high"
    actions_tried = "Warning letter, two visits, CPN written warning."
    consent = "given"
    legal_basis = "cda_s115"
    referred_at = None
    accept_by = None

    @classmethod
    def _create(cls, model_class, *, case, by, accept_by=None, **kwargs):
        from marac import services as marac_services

        referral = marac_services.refer_case(case=case, by=by, **kwargs)
        if accept_by is not None:
            referral, _shared = marac_services.accept_referral(referral=referral, by=accept_by)
        return referral


def make_marac_meeting(*, by, on, count: int = 1):
    """One (or `count`) CS MARAC meetings from `on`, through the scheduling service."""
    from marac import services as marac_services

    meetings = marac_services.schedule_meetings(by=by, first=on, count=count)
    return meetings[0] if count == 1 else meetings


# --- enforcement ---


def make_notice_recipient(*, case, by, first_name="Kevin", last_name="Loud", date_of_birth=None):
    """A person causing harm on the case, old enough (by default 30) to be given a CPN."""
    from datetime import date

    from casework.models import PartyRole

    person = services.create_person(
        by=by, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth or date(1995, 6, 1)
    )
    services.add_party(case=case, by=by, role=PartyRole.PERSON_CAUSING_HARM, person=person)
    return person


def make_written_warning(*, case, by, person=None, served_at=None, compliance_deadline=None, **kwargs):
    """A CPN written warning served through enforcement.services (by default 30 days ago, 14 days to comply)."""
    from datetime import timedelta

    from enforcement import services as enforcement_services

    person = person or make_notice_recipient(case=case, by=by)
    served_at = served_at or timezone.now() - timedelta(days=30)
    return enforcement_services.serve_written_warning(
        case=case,
        by=by,
        recipient_person=person,
        recipient_address=kwargs.pop("recipient_address", "Flat 3, 12 Watling Avenue, HA8 0LX"),
        conduct=kwargs.pop("conduct", "Loud amplified music late at night"),
        requirements=kwargs.pop("requirements", "Stop playing amplified music audible outside the flat after 11pm"),
        compliance_deadline=compliance_deadline or timezone.localtime(served_at).date() + timedelta(days=14),
        served_at=served_at,
        served_how=kwargs.pop("served_how", "in_person"),
        **kwargs,
    )


def make_cpn(*, case, by, warning=None, issued_on=None, compliance_days=14):
    """A CPN issued through the service after a warning whose compliance time has run out."""
    from datetime import datetime, time, timedelta

    from enforcement import services as enforcement_services

    issued_on = issued_on or timezone.localdate()
    if warning is None:
        served = datetime.combine(issued_on - timedelta(days=30), time(10, 0))
        warning = make_written_warning(case=case, by=by, served_at=timezone.make_aware(served))
    return enforcement_services.issue_cpn(
        case=case,
        by=by,
        warning=warning,
        issued_on=issued_on,
        served_how="in_person",
        compliance_deadline=issued_on + timedelta(days=compliance_days),
    )


def make_fpn(*, by, offence_code="CST01", issued_at=None, case=None, **kwargs):
    """A fixed penalty issued through the service (on the street unless a case is given)."""
    from enforcement import services as enforcement_services

    issued_at = issued_at or timezone.now()
    return enforcement_services.issue_fpn(
        by=by,
        offence_code=offence_code,
        issued_at=issued_at,
        offence_at=kwargs.pop("offence_at", issued_at),
        offence_description=kwargs.pop("offence_description", "Dropped a cigarette end on the pavement"),
        location=kwargs.pop("location", "The Broadway, outside no. 12"),
        recipient_name=kwargs.pop("recipient_name", "Sam Walker"),
        recipient_address=kwargs.pop("recipient_address", "4 Station Road, London N3 2SA"),
        case=case,
        **kwargs,
    )


BARNET_PSPO_CONDITIONS = [
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


def make_pspo(*, by, in_force_from=None, expires_on=None, conditions=None, **kwargs):
    """A borough-wide PSPO made through the service (in force from a year ago for 3 years by default)."""
    from datetime import timedelta

    from enforcement import periods
    from enforcement import services as enforcement_services

    in_force_from = in_force_from or timezone.localdate() - timedelta(days=365)
    return enforcement_services.make_pspo(
        by=by,
        title=kwargs.pop("title", "Barnet borough-wide PSPO"),
        area_description=kwargs.pop("area_description", "All public spaces in the London Borough of Barnet"),
        made_on=kwargs.pop("made_on", in_force_from),
        in_force_from=in_force_from,
        expires_on=expires_on or periods.last_day_of_period(in_force_from, years=3),
        consultation_started_on=kwargs.pop("consultation_started_on", in_force_from - timedelta(days=90)),
        consultation_ended_on=kwargs.pop("consultation_ended_on", in_force_from - timedelta(days=30)),
        consultees=kwargs.pop("consultees", "Metropolitan Police, MOPAC, residents and businesses"),
        conditions=conditions or BARNET_PSPO_CONDITIONS,
        **kwargs,
    )


def make_closure_notice(*, case, by, served_at=None, hearing_at=None, **kwargs):
    """A council closure notice served through the service, with its hearing the next day."""
    from datetime import timedelta

    from enforcement import services as enforcement_services

    served_at = served_at or timezone.now() - timedelta(hours=2)
    return enforcement_services.issue_closure_notice(
        case=case,
        by=by,
        premises=kwargs.pop("premises", "12 Deansbrook Road, Edgware HA8 9BE (the whole house)"),
        prohibition=kwargs.pop("prohibition", "All persons except the owner"),
        authorised_by_role=kwargs.pop("authorised_by_role", "council"),
        authorised_by_name=kwargs.pop("authorised_by_name", "Jane Doe, Head of Community Safety"),
        consultation=kwargs.pop("consultation", "Metropolitan Police NW BCU; Barnet Homes"),
        people_informed=kwargs.pop("people_informed", "The occupier and the owner"),
        served_at=served_at,
        duration_hours=kwargs.pop("duration_hours", 24),
        hearing_court=kwargs.pop("hearing_court", "Willesden Magistrates' Court, 448 High Road, NW10 2DZ"),
        hearing_at=hearing_at or served_at + timedelta(hours=20),
        housing_advice=kwargs.pop("housing_advice", "Barnet Homes Housing Options, 020 8359 2000"),
        legal_advice=kwargs.pop("legal_advice", "Citizens Advice Barnet, 0808 278 7847"),
        **kwargs,
    )


def make_heard_closure_notice(*, case, by, days_ago: int = 0, **kwargs):
    """A council closure notice served at 09:00 two days (plus `days_ago`) ago and heard 24 hours later, so its
    hearing has already happened, whatever the time of day the test runs, and can be decided or adjourned."""
    from datetime import datetime, time, timedelta

    served_on = timezone.localdate() - timedelta(days=days_ago + 2)
    served_at = timezone.make_aware(datetime.combine(served_on, time(9, 0)))
    return make_closure_notice(
        case=case, by=by, served_at=served_at, hearing_at=served_at + timedelta(hours=24), **kwargs
    )


def make_closure_order(*, case, by, notice=None, starts_on=None, ends_on=None, **kwargs):
    """A full closure order granted at the notice's hearing (by default 60 days long, from the hearing day)."""
    from datetime import timedelta

    from enforcement import services as enforcement_services

    notice = notice or make_heard_closure_notice(case=case, by=by)
    starts_on = starts_on or timezone.localtime(notice.hearing_at).date()
    return enforcement_services.grant_closure_order(
        notice=notice,
        by=by,
        heard_at=kwargs.pop("heard_at", notice.hearing_at),
        court=kwargs.pop("court", "Willesden Magistrates' Court"),
        scope=kwargs.pop("scope", "full"),
        starts_on=starts_on,
        ends_on=ends_on or starts_on + timedelta(days=60),
        **kwargs,
    )


def make_cbo(*, case, by, subject=None, made_on=None, ends_on=None, indefinite=False, **kwargs):
    """A Criminal Behaviour Order made through the service: two years long unless `ends_on`, or `indefinite`
    (an adult's order may have no end)."""
    from datetime import timedelta

    from enforcement import services as enforcement_services

    subject = subject or make_notice_recipient(case=case, by=by, first_name="Dean")
    made_on = made_on or timezone.localdate()
    return enforcement_services.record_cbo(
        case=case,
        by=by,
        subject=subject,
        subject_date_of_birth=subject.date_of_birth,
        court=kwargs.pop("court", "Hendon Magistrates' Court"),
        conviction_offence=kwargs.pop("conviction_offence", "Criminal damage"),
        application_heard_on=kwargs.pop("application_heard_on", made_on),
        made_on=made_on,
        starts_on=kwargs.pop("starts_on", made_on),
        ends_on=None if indefinite else ends_on or made_on + timedelta(days=730),
        prohibitions=kwargs.pop("prohibitions", "Not to enter Watling Avenue"),
        **kwargs,
    )


def make_injunction(*, case, by, subject=None, made_on=None, ends_on=None, **kwargs):
    """A civil injunction against an adult, made through the service (indefinite unless `ends_on`)."""
    from enforcement import services as enforcement_services

    subject = subject or make_notice_recipient(case=case, by=by, first_name="Lee")
    made_on = made_on or timezone.localdate()
    if kwargs.get("power_of_arrest"):
        kwargs.setdefault("power_of_arrest_ground", "violence")  # s4(1)(a)
    return enforcement_services.record_injunction(
        case=case,
        by=by,
        subject=subject,
        subject_date_of_birth=subject.date_of_birth,
        court=kwargs.pop("court", "Barnet County Court"),
        application_heard_on=kwargs.pop("application_heard_on", made_on),
        made_on=made_on,
        starts_on=kwargs.pop("starts_on", made_on),
        ends_on=ends_on,
        prohibitions=kwargs.pop("prohibitions", "Not to play amplified music"),
        **kwargs,
    )
