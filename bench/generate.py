"""A realistic synthetic partnership at national scale: `python -m bench.generate --cases N`.

N cases over five years across 24 wards and 50 agencies, with parties, incidents, risk assessments,
actions, notes, evidence, shares (each partner agency is shared about 5% of the cases it does not lead),
the object-permission rows those shares and the lead agency hold, one history row per change of every
record, and the audit rows (access log and disclosures, hash-chained exactly as audit.services does, so
`manage.py verify_audit` passes). Rows are written with PostgreSQL COPY in chunks of cases (any other
database gets batched INSERTs, which keeps the smoke test in the normal suite). With
`--guardian-baseline` the same group permissions are also written to django-guardian's generic
varchar `object_pk` table, for the naive baseline in bench.run.

Run it on a freshly migrated database (it adds to what is there, it never deletes). Enforcement notices
and MARAC meetings are generated once those apps have models; until then they are reported as skipped.
"""

import argparse
import hashlib
import io
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

AGENCY_COUNT = 50
PASSWORD = "Bench-password-2026"

# Who leads cases: the council most, the big housing provider and the police next, the rest evenly.
LEAD_WEIGHTS = {"lbb-community-safety": 0.45, "barnet-homes": 0.12, "met-police": 0.08}
SHARE_RATE = 0.05  # each partner agency sees about this share of the cases it does not lead
YEARS = 5
MARAC_PANEL_CASES = 60

# The users bench.run signs in as (first member of each agency is `bench.<agency>.1`).
PARTNER_USERNAME = "bench.barnet-homes.1"
OFFICER_USERNAME = "bench.lbb-community-safety.1"
MANAGER_USERNAME = "bench.manager"
COORDINATOR_USERNAME = "bench.coordinator"
PARTNER_AGENCY = "barnet-homes"
COUNCIL = "lbb-community-safety"

EXTRA_AGENCY_KINDS = (
    ("Housing Association", "housing"),
    ("Police Basic Command Unit", "police"),
    ("Probation Delivery Unit", "probation"),
    ("Fire Station", "fire"),
    ("Mental Health Trust", "health"),
    ("Children's Services", "social_care"),
    ("Victim Support Hub", "victim_support"),
    ("Community Organisation", "voluntary"),
)

TITLES = {
    "asb_personal": ["Harassment of a neighbour", "Intimidation on the stairwell", "Threats to a resident"],
    "asb_nuisance": ["Groups gathering at the parade", "Nuisance behaviour on the estate", "Street drinking"],
    "asb_environmental": ["Rubbish dumped in the garden", "Dog fouling on the green", "Damage to bin store"],
    "noise": ["Loud music late at night", "Noise from the flat above", "Parties every weekend"],
    "drug_related": ["Suspected drug dealing", "Cannabis smell in the block", "Drug paraphernalia found"],
    "fly_tipping": ["Fly-tipping in the alley", "Mattresses dumped by the road", "Builders' waste dumped"],
    "littering": ["Littering outside the shop", "Takeaway litter on the high road"],
    "waste_duty_of_care": ["Trade waste without a contract", "Household waste given to a man with a van"],
    "graffiti": ["Graffiti on the underpass", "Fly-posting on the bridge"],
    "abandoned_vehicle": ["Abandoned car with no plates", "Burnt-out van"],
    "encampment": ["Unauthorised encampment on the playing field"],
    "members_enquiry": ["Councillor enquiry about noise", "Councillor enquiry about street drinking"],
}
CATEGORY_WEIGHTS = [8, 14, 10, 22, 9, 12, 5, 3, 5, 4, 1, 7]
DESCRIPTIONS = [
    "Residents report repeated incidents over several weeks; the behaviour is affecting their sleep and health.",
    "Reported by a neighbour and by the housing officer; several diary sheets returned.",
    "Ongoing problem at this location; police attended twice and gave words of advice.",
    "Complaints from three households; CCTV requested from the estate office.",
]
NOTES = [
    "Spoke to the complainant by phone; diary sheets sent.",
    "Visited the address, nobody home; card left.",
    "Partners agreed a joint visit next week.",
    "Warning letter sent to the person causing harm.",
    "Update from housing: tenancy officer aware.",
]
ACTION_TEXT = [
    "Joint visit to the address",
    "Send diary sheets",
    "Check CCTV",
    "Review tenancy conditions",
    "Refer to mediation",
    "Arrange a welfare check",
]
FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Eve",
    "Farah",
    "George",
    "Hana",
    "Ivan",
    "Jade",
    "Kwame",
    "Leah",
    "Mohammed",
    "Nina",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Victor",
    "Wei",
    "Zara",
]
LAST = [
    "Adams",
    "Begum",
    "Cohen",
    "Davies",
    "Evans",
    "Fischer",
    "Green",
    "Hussain",
    "Ibrahim",
    "Jones",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Uddin",
    "Walsh",
]
STREETS = [
    "High Road",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "The Broadway",
    "Watling Avenue",
    "Colindale Avenue",
    "Ballards Lane",
    "Hendon Way",
    "Edgware Way",
    "Mill Lane",
    "Oakleigh Road",
]
POSTCODE_AREAS = ["N2", "N3", "N11", "N12", "N14", "N20", "NW4", "NW7", "NW9", "NW11", "EN4", "EN5", "HA8"]
LEGAL_BASES = [
    ("cda_s115", "s115 Crime and Disorder Act 1998"),
    ("isa", "Partnership information-sharing agreement"),
    ("dpa_part3", "DPA 2018 Part 3 (law enforcement purposes)"),
]
SHARE_PURPOSES = ["Tenancy enforcement", "Joint problem-solving", "Safeguarding the victim", "Police investigation"]
OUTCOMES = ["resolved", "enforcement_successful", "referred", "no_further_action", "victim_withdrew", "unfounded"]
# Status paths a case has been through, with the weight of cases still open that follow each.
OPEN_PATHS = [
    (["open"], 3),
    (["open", "investigating"], 4),
    (["open", "investigating", "enforcement"], 1),
    (["open", "investigating", "monitoring"], 2),
]
CLOSED_PATHS = [
    ["open", "closed"],
    ["open", "investigating", "closed"],
    ["open", "investigating", "enforcement", "closed"],
    ["open", "investigating", "monitoring", "closed"],
]
STATUS_LABEL = {
    "open": "Open",
    "investigating": "Investigating",
    "enforcement": "Enforcement",
    "monitoring": "Monitoring",
    "closed": "Closed",
}

HISTORY_COLUMNS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")

# Column order of every table written; checked against the models before anything is written.
COLUMNS = {
    "casework_address": ("id", "line1", "line2", "town", "postcode", "uprn", "ward_id"),
    "casework_person": (
        "id",
        "first_name",
        "last_name",
        "date_of_birth",
        "phone",
        "email",
        "address_id",
        "merged_into_id",
    ),
    "casework_organisation": ("id", "name", "phone", "email", "address_id"),
    "casework_case": (
        "id",
        "reference",
        "title",
        "category",
        "description",
        "status",
        "location_description",
        "risk_level",
        "hate_related",
        "opened_at",
        "closed_at",
        "outcome",
        "outcome_notes",
        "version",
        "updated_at",
        "anonymised_at",
        "address_id",
        "created_by_id",
        "lead_agency_id",
        "officer_id",
        "ward_id",
    ),
    "casework_caseparty": (
        "id",
        "role",
        "is_anonymous",
        "notes",
        "added_at",
        "added_by_id",
        "case_id",
        "organisation_id",
        "person_id",
    ),
    "casework_incident": (
        "id",
        "occurred_at",
        "reported_at",
        "agency_reference",
        "description",
        "hate_related",
        "hate_characteristics",
        "case_id",
        "created_by_id",
        "reported_by_id",
        "reported_to_id",
    ),
    "casework_riskassessment": (
        "id",
        "answers",
        "repeat_victimisation_count",
        "score",
        "level",
        "notes",
        "assessed_at",
        "assessed_by_id",
        "case_id",
        "victim_id",
    ),
    "casework_action": (
        "id",
        "description",
        "due_date",
        "status",
        "completed_at",
        "created_at",
        "created_by_id",
        "owner_id",
        "owner_agency_id",
        "case_id",
        "not_done_reason",
        "not_done_explanation",
    ),
    "casework_note": ("id", "text", "created_at", "author_id", "author_agency_id", "case_id"),
    "casework_evidence": (
        "id",
        "kind",
        "description",
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "external_reference",
        "redacted",
        "uploaded_at",
        "case_id",
        "uploaded_by_id",
    ),
    "casework_caseshare": (
        "id",
        "can_change",
        "legal_basis",
        "purpose",
        "shared_at",
        "revoked_at",
        "revoke_reason",
        "agency_id",
        "case_id",
        "revoked_by_id",
        "shared_by_id",
    ),
    "casework_casegroupobjectpermission": ("id", "content_object_id", "group_id", "permission_id"),
    "guardian_groupobjectpermission": ("id", "object_pk", "content_type_id", "group_id", "permission_id"),
    "audit_accesslog": (
        "id",
        "at",
        "prev_hash",
        "hash",
        "username",
        "agency",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "case_id",
        "person_id",
        "details",
        "ip_address",
        "request_id",
        "path",
        "user_id",
    ),
    "audit_disclosure": (
        "id",
        "at",
        "prev_hash",
        "hash",
        "kind",
        "username",
        "from_agency",
        "to_agency",
        "object_type",
        "object_id",
        "object_label",
        "case_id",
        "legal_basis",
        "purpose",
        "details",
        "request_id",
        "user_id",
    ),
}
HISTORY_OF = {
    "casework_address": "casework_historicaladdress",
    "casework_person": "casework_historicalperson",
    "casework_organisation": "casework_historicalorganisation",
    "casework_case": "casework_historicalcase",
    "casework_caseparty": "casework_historicalcaseparty",
    "casework_incident": "casework_historicalincident",
    "casework_riskassessment": "casework_historicalriskassessment",
    "casework_action": "casework_historicalaction",
    "casework_note": "casework_historicalnote",
    "casework_evidence": "casework_historicalevidence",
    "casework_caseshare": "casework_historicalcaseshare",
}
for _table, _history in HISTORY_OF.items():
    COLUMNS[_history] = COLUMNS[_table] + HISTORY_COLUMNS
# Parents before children, so foreign keys hold at every commit.
WRITE_ORDER = [
    "casework_address",
    "casework_person",
    "casework_organisation",
    "casework_case",
    "casework_caseparty",
    "casework_incident",
    "casework_riskassessment",
    "casework_action",
    "casework_note",
    "casework_evidence",
    "casework_caseshare",
    "casework_casegroupobjectpermission",
    "guardian_groupobjectpermission",
    *HISTORY_OF.values(),
    "audit_accesslog",
    "audit_disclosure",
]

ACCESS_HASH_FIELDS = (
    "at",
    "user_id",
    "username",
    "agency",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "case_id",
    "person_id",
    "details",
    "ip_address",
    "request_id",
    "path",
)
DISCLOSURE_HASH_FIELDS = (
    "at",
    "kind",
    "user_id",
    "username",
    "from_agency",
    "to_agency",
    "object_type",
    "object_id",
    "object_label",
    "case_id",
    "legal_basis",
    "purpose",
    "details",
    "request_id",
)


@dataclass
class Summary:
    """What was generated, how long it took, and who bench.run signs in as."""

    cases: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    partner_username: str = PARTNER_USERNAME
    officer_username: str = OFFICER_USERNAME
    manager_username: str = MANAGER_USERNAME
    skipped: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class Clock:
    """Timestamps as integer seconds, written as 'YYYY-MM-DD HH:MM:SS' in UTC (cheap to format)."""

    def __init__(self, now: datetime):
        self.now = int(now.timestamp())
        self._days: dict[int, str] = {}

    def day(self, seconds: int) -> str:
        d = seconds // 86400
        text = self._days.get(d)
        if text is None:
            text = self._days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        return text

    def ts(self, seconds: int) -> str:
        s = seconds % 86400
        return f"{self.day(seconds)} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"

    def iso_z(self, seconds: int) -> str:
        """The audit hash's canonical form of the same instant."""
        return self.ts(seconds).replace(" ", "T") + ".000000Z"


class Writer:
    """Buffers rows per table and writes them: COPY on PostgreSQL, batched INSERT elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.pending: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def flush(self) -> None:
        with self.connection.cursor() as cursor:
            for table in WRITE_ORDER:
                rows = self.pending[table]
                if not rows:
                    continue
                columns = COLUMNS[table]
                if self.postgres:
                    buffer = io.StringIO()
                    buffer.write("\n".join(_copy_line(row) for row in rows))
                    buffer.write("\n")
                    buffer.seek(0)
                    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
                else:
                    placeholders = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
                self.counts[table] += len(rows)
                rows.clear()


def _copy_line(row: tuple) -> str:
    # Generated text never holds a tab, newline or backslash, so only NULL and booleans need translating.
    return "\t".join(["\\N" if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in row])


def _check_columns() -> None:
    """Fail before writing anything if a model no longer matches the columns written here."""
    from django.apps import apps

    by_table = {m._meta.db_table: m for m in apps.get_models()}
    for table, columns in COLUMNS.items():
        model = by_table[table]
        actual = {f.column for f in model._meta.concrete_fields}
        missing = actual - set(columns)
        unknown = set(columns) - actual
        if missing or unknown:
            raise SystemExit(
                f"bench.generate is out of date for {table}: columns not written {sorted(missing)}, "
                f"columns that no longer exist {sorted(unknown)}"
            )


class Ids:
    """Next primary key per table, continuing after whatever the database already holds."""

    def __init__(self, connection):
        self.next: dict[str, int] = {}
        with connection.cursor() as cursor:
            for table in COLUMNS:
                pk = "history_id" if table.startswith("casework_historical") else "id"
                cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")
                self.next[table] = cursor.fetchone()[0] + 1

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _reference_data(*, stdout):
    """Wards, 50 agencies with their groups, users for every role; created through the ORM (small)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from casework import roles, services
    from casework.demo import AGENCIES, WARDS
    from casework.models import Agency, Membership, Ward

    User = get_user_model()
    wards = []
    for name in WARDS:
        code = name.lower().replace(" & ", "-").replace(" ", "-")
        ward, _ = Ward.objects.get_or_create(name=name, defaults={"code": code})
        wards.append(ward)
    specs = list(AGENCIES)
    n = 0
    while len(specs) < AGENCY_COUNT:
        label, kind = EXTRA_AGENCY_KINDS[n % len(EXTRA_AGENCY_KINDS)]
        n += 1
        specs.append((f"{label} {n}", f"bench-agency-{n}", kind))
    agencies = [services.create_agency(name=name, short_name=short, kind=kind) for name, short, kind in specs]

    password = make_password(PASSWORD)
    role_groups = {g.name: g for g in Group.objects.filter(name__in=list(roles.ROLE_PERMISSIONS))}
    wanted: list[tuple[str, str, str, str, Agency, str]] = []
    for agency in agencies:
        if agency.short_name == COUNCIL:
            count, role = 60, roles.ENFORCEMENT_OFFICER
        elif agency.short_name in (PARTNER_AGENCY, "met-police"):
            count, role = 20, roles.PARTNER_CASEWORKER
        else:
            count, role = 5, roles.PARTNER_CASEWORKER
        for k in range(1, count + 1):
            wanted.append(
                (
                    f"bench.{agency.short_name}.{k}",
                    FIRST[k % len(FIRST)],
                    LAST[k % len(LAST)],
                    "Caseworker",
                    agency,
                    role,
                )
            )
    council = next(a for a in agencies if a.short_name == COUNCIL)
    wanted.append(
        (MANAGER_USERNAME, "Morgan", "Reed", "Community Safety Manager", council, roles.COMMUNITY_SAFETY_MANAGER)
    )
    wanted.append((COORDINATOR_USERNAME, "Cara", "Lowe", "CS MARAC Coordinator", council, roles.MARAC_COORDINATOR))
    existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    new = [w for w in wanted if w[0] not in existing]
    User.objects.bulk_create(
        [
            User(username=u, first_name=f, last_name=la, email=f"{u}@bench.example", password=password)
            for u, f, la, _, _, _ in new
        ],
        batch_size=500,
    )
    users = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in new])}
    Membership.objects.bulk_create(
        [Membership(user=users[u], agency=agency, job_title=title) for u, _, _, title, agency, _ in new],
        batch_size=500,
    )
    Through = User.groups.through
    Through.objects.bulk_create(
        [
            Through(user_id=users[u].pk, group_id=gid)
            for u, _, _, _, agency, role in new
            for gid in (agency.group_id, role_groups[role].pk)
        ],
        batch_size=1000,
    )
    # Caseworkers of each agency (not the manager or coordinator): officers, authors, readers of cases.
    members: dict[int, list[int]] = {a.pk: [] for a in agencies}
    caseworkers = [w[0] for w in wanted if w[0].count(".") == 2]
    rows = Membership.objects.filter(user__username__in=caseworkers).order_by("user_id")
    for user_id, agency_id in rows.values_list("user_id", "agency_id"):
        members[agency_id].append(user_id)
    if stdout:
        stdout.write(f"reference data: {len(wards)} wards, {len(agencies)} agencies, {len(wanted)} users\n")
    return wards, agencies, members


def generate(
    *,
    cases: int,
    seed: int = 1,
    guardian_baseline: bool = False,
    skip_fk_checks: bool = False,
    chunk: int = 5000,
    stdout=None,
) -> Summary:
    """Add `cases` synthetic cases (and everything around them) to the default database."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from audit.models import ChainHead
    from audit.services import GENESIS
    from casework.models import Case, CaseReferenceCounter
    from casework.risk import QUESTIONS
    from casework.risk import score as risk_score

    started = time.monotonic()
    _check_columns()
    rnd = random.Random(seed)
    wards, agencies, members = _reference_data(stdout=stdout)
    clock = Clock(timezone.now().replace(microsecond=0))
    now = clock.now
    ts = clock.ts
    ids = Ids(connection)
    writer = Writer(connection)
    p = writer.pending

    case_ct = ContentType.objects.get_for_model(Case)
    perm_id = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            content_type=case_ct, codename__in=["view_case", "change_case", "view_case_sensitive"]
        )
    }
    view_id, change_id, sensitive_id = perm_id["view_case"], perm_id["change_case"], perm_id["view_case_sensitive"]
    group_of = {a.pk: a.group_id for a in agencies}
    name_of = {a.pk: a.name for a in agencies}
    agency_ids = [a.pk for a in agencies]
    rest = [a.pk for a in agencies if a.short_name not in LEAD_WEIGHTS]
    lead_weights = [
        LEAD_WEIGHTS[a.short_name] if a.short_name in LEAD_WEIGHTS else (1 - sum(LEAD_WEIGHTS.values())) / len(rest)
        for a in agencies
    ]
    from django.contrib.auth import get_user_model

    usernames = dict(
        get_user_model().objects.filter(pk__in=[u for us in members.values() for u in us]).values_list("pk", "username")
    )
    categories = list(TITLES)
    category_cum = list(accumulate(CATEGORY_WEIGHTS))
    lead_cum = list(accumulate(lead_weights))
    answer_sets = []
    for k in range(12):
        answers = {q.key: bool((k >> (i % 5)) & 1) and i < 6 + k // 3 for i, q in enumerate(QUESTIONS)}
        total, level, _ = risk_score(answers, k % 7)
        answer_sets.append((json.dumps(answers), k % 7, total, level))

    heads = {log: ChainHead.objects.filter(log=log).first() for log in ("access", "disclosure")}
    prev_hash = {log: (h.last_hash if h else GENESIS) for log, h in heads.items()}
    chain_length = {log: (h.length if h else 0) for log, h in heads.items()}

    counters = {c.year: c.last_number for c in CaseReferenceCounter.objects.all()}
    span = YEARS * 365 * 86400

    def history(table: str, row: tuple, when: int, kind: str, user, reason: str) -> None:
        p[HISTORY_OF[table]].append(row + (ids.take(HISTORY_OF[table]), ts(when), reason, kind, user))

    def chained(log: str, values: dict, fields: tuple[str, ...], at: int) -> tuple[str, str]:
        payload = {name: values[name] for name in fields if name != "at"}
        payload["at"] = clock.iso_z(at)
        payload["prev_hash"] = prev_hash[log]
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()
        ).hexdigest()
        previous = prev_hash[log]
        prev_hash[log] = digest
        chain_length[log] += 1
        return previous, digest

    def access_row(*, at: int, user_id: int, agency: str, case_id: int, reference: str, page: str) -> None:
        values = {
            "user_id": user_id,
            "username": usernames[user_id],
            "agency": agency,
            "action": "view",
            "object_type": "case",
            "object_id": str(case_id),
            "object_label": reference,
            "case_id": case_id,
            "person_id": None,
            "details": {"page": page},
            "ip_address": f"10.20.{user_id % 250}.{at % 250}",
            "request_id": f"{at:016x}{case_id:016x}",
            "path": f"/cases/{reference}/",
        }
        previous, digest = chained("access", values, ACCESS_HASH_FIELDS, at)
        p["audit_accesslog"].append(
            (
                ids.take("audit_accesslog"),
                ts(at),
                previous,
                digest,
                values["username"],
                agency,
                "view",
                "case",
                values["object_id"],
                reference,
                case_id,
                None,
                json.dumps(values["details"]),
                values["ip_address"],
                values["request_id"],
                values["path"],
                user_id,
            )
        )

    def disclosure_row(
        *,
        at: int,
        kind: str,
        user_id: int,
        from_agency: str,
        to_agency: str,
        case_id: int,
        reference: str,
        legal_basis: str,
        purpose: str,
        details: dict,
    ) -> None:
        values = {
            "kind": kind,
            "user_id": user_id,
            "username": usernames[user_id],
            "from_agency": from_agency,
            "to_agency": to_agency,
            "object_type": "case",
            "object_id": str(case_id),
            "object_label": reference,
            "case_id": case_id,
            "legal_basis": legal_basis,
            "purpose": purpose,
            "details": details,
            "request_id": "",
        }
        previous, digest = chained("disclosure", values, DISCLOSURE_HASH_FIELDS, at)
        p["audit_disclosure"].append(
            (
                ids.take("audit_disclosure"),
                ts(at),
                previous,
                digest,
                kind,
                values["username"],
                from_agency,
                to_agency,
                "case",
                values["object_id"],
                reference,
                case_id,
                legal_basis,
                purpose,
                json.dumps(details),
                "",
                user_id,
            )
        )

    def group_perm(case_id: int, agency_id: int, permission_id: int) -> None:
        p["casework_casegroupobjectpermission"].append(
            (ids.take("casework_casegroupobjectpermission"), case_id, group_of[agency_id], permission_id)
        )
        if guardian_baseline:
            p["guardian_groupobjectpermission"].append(
                (
                    ids.take("guardian_groupobjectpermission"),
                    str(case_id),
                    case_ct.pk,
                    group_of[agency_id],
                    permission_id,
                )
            )

    if skip_fk_checks and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")

    # Cases are generated oldest first, so references rise with the opening date as in real life.
    opened_times = sorted(now - rnd.randrange(span) for _ in range(cases))
    done = 0
    last_report = time.monotonic()
    for opened in opened_times:
        lead = rnd.choices(agency_ids, cum_weights=lead_cum)[0]
        lead_users = members[lead]
        officer = rnd.choice(lead_users)
        creator = officer if rnd.random() < 0.7 else rnd.choice(lead_users)
        ward = rnd.choice(wards).pk
        year = time.gmtime(opened).tm_year
        counters[year] = counters.get(year, 0) + 1
        reference = f"ASB-{year}-{counters[year]:05d}"
        category = rnd.choices(categories, cum_weights=category_cum)[0]
        title = rnd.choice(TITLES[category])
        description = rnd.choice(DESCRIPTIONS)
        age_days = (now - opened) // 86400
        if age_days > 240 or (age_days > 30 and rnd.random() < age_days / 300):
            path = rnd.choice(CLOSED_PATHS)
        else:
            path = rnd.choices([op for op, _ in OPEN_PATHS], weights=[w for _, w in OPEN_PATHS])[0]
        step_times = [opened]
        horizon = min(now, opened + 200 * 86400) if path[-1] == "closed" else now
        for _ in path[1:]:
            step_times.append(
                min(horizon, step_times[-1] + rnd.randrange(3600, max(7200, (horizon - opened) // len(path))))
            )
        closed_at = step_times[-1] if path[-1] == "closed" else None
        outcome = rnd.choice(OUTCOMES) if closed_at else ""
        hate = rnd.random() < 0.04

        # Address of the case (most cases have one) and the people involved.
        address_id = None
        if rnd.random() < 0.7:
            address_id = ids.take("casework_address")
            row = (
                address_id,
                f"{rnd.randrange(1, 300)} {rnd.choice(STREETS)}",
                "",
                "London",
                f"{rnd.choice(POSTCODE_AREAS)} {rnd.randrange(1, 10)}{chr(65 + rnd.randrange(26))}"
                f"{chr(65 + rnd.randrange(26))}",
                100000000000 + address_id,
                ward,
            )
            p["casework_address"].append(row)
            history("casework_address", row, opened, "+", creator, "Address recorded")

        case_id = ids.take("casework_case")
        risk_level = ""
        assessments = []
        party_rows = []
        roles_here = ["victim"] + (["person_causing_harm"] if rnd.random() < 0.8 else [])
        roles_here += ["witness"] if rnd.random() < 0.3 else []
        roles_here += ["complainant"] if rnd.random() < 0.15 else []
        for role in roles_here:
            added = opened + rnd.randrange(0, 86400)
            person_id = organisation_id = None
            if role == "victim" or rnd.random() < 0.9:
                person_id = ids.take("casework_person")
                row = (
                    person_id,
                    rnd.choice(FIRST),
                    rnd.choice(LAST),
                    (date(1950, 1, 1) + timedelta(days=rnd.randrange(20000))).isoformat(),
                    f"07700 9{rnd.randrange(100000):05d}",
                    "",
                    address_id if role == "victim" and rnd.random() < 0.5 else None,
                    None,
                )
                p["casework_person"].append(row)
                history("casework_person", row, added, "+", creator, "Person recorded")
            else:
                organisation_id = ids.take("casework_organisation")
                row = (organisation_id, f"{rnd.choice(LAST)} Trading Ltd", "", "", None)
                p["casework_organisation"].append(row)
                history("casework_organisation", row, added, "+", creator, "Organisation recorded")
            party_id = ids.take("casework_caseparty")
            row = (
                party_id,
                role,
                role in ("victim", "witness") and rnd.random() < 0.25,
                "",
                ts(added),
                creator,
                case_id,
                organisation_id,
                person_id,
            )
            party_rows.append(row)
            history("casework_caseparty", row, added, "+", creator, "Party added")
        victim_party = party_rows[0][0]
        if rnd.random() < 0.5:
            answers, repeat, total, level = rnd.choice(answer_sets)
            assessed = opened + rnd.randrange(3600, 7 * 86400)
            assessment_id = ids.take("casework_riskassessment")
            row = (
                assessment_id,
                answers,
                repeat,
                total,
                level,
                "",
                ts(min(assessed, now)),
                creator,
                case_id,
                victim_party,
            )
            assessments.append(row)
            history("casework_riskassessment", row, min(assessed, now), "+", creator, "Risk assessed")
            risk_level = level

        # The case row now, and one history row per change it went through.
        head = (case_id, reference, title, category, description)
        tail = (None, address_id, creator, lead, officer, ward)
        opened_ts = ts(opened)
        row = head + ("open", "", "", hate, opened_ts, None, "", "", 1, opened_ts) + tail
        history("casework_case", row, opened, "+", creator, "Case opened")
        for step, (status, when) in enumerate(zip(path[1:], step_times[1:], strict=True), start=2):
            closing = status == "closed"
            row = (
                head
                + (
                    status,
                    "",
                    risk_level,
                    hate,
                    opened_ts,
                    ts(when) if closing else None,
                    outcome if closing else "",
                    "",
                    step,
                    ts(when),
                )
                + tail
            )
            history(
                "casework_case",
                row,
                when,
                "~",
                officer,
                f"Status {STATUS_LABEL[path[step - 2]]} → {STATUS_LABEL[status]}",
            )
        p["casework_case"].append(row[:7] + (risk_level,) + row[8:])
        p["casework_caseparty"].extend(party_rows)
        p["casework_riskassessment"].extend(assessments)
        for codename_id in (view_id, change_id, sensitive_id):
            group_perm(case_id, lead, codename_id)

        end = closed_at or now
        for _ in range(rnd.choice((1, 2, 2, 3, 3, 4))):
            occurred = opened - rnd.randrange(0, 20 * 86400) if rnd.random() < 0.5 else rnd.randrange(opened, end + 1)
            row = (
                ids.take("casework_incident"),
                ts(occurred),
                ts(occurred + rnd.randrange(0, 2 * 86400)),
                "",
                rnd.choice(DESCRIPTIONS),
                hate,
                '["race"]' if hate else "[]",
                case_id,
                creator,
                victim_party if rnd.random() < 0.5 else None,
                lead if rnd.random() < 0.7 else rnd.choice(agency_ids),
            )
            p["casework_incident"].append(row)
            history("casework_incident", row, max(opened, occurred), "+", creator, "Incident logged")

        # Shares: each other agency sees about SHARE_RATE of the cases it does not lead.
        shared_with = [a for a in agency_ids if a != lead and rnd.random() < SHARE_RATE]
        for agency_id in shared_with:
            shared_at = rnd.randrange(opened, end + 1)
            can_change = rnd.random() < 0.3
            basis, basis_label = rnd.choice(LEGAL_BASES)
            purpose = rnd.choice(SHARE_PURPOSES)
            share_id = ids.take("casework_caseshare")
            row = (share_id, can_change, basis, purpose, ts(shared_at), None, "", agency_id, case_id, None, officer)
            history("casework_caseshare", row, shared_at, "+", officer, f"Shared with {name_of[agency_id]}")
            disclosure_row(
                at=shared_at,
                kind="share",
                user_id=officer,
                from_agency=name_of[lead],
                to_agency=name_of[agency_id],
                case_id=case_id,
                reference=reference,
                legal_basis=basis_label,
                purpose=purpose,
                details={"can_change": can_change},
            )
            if rnd.random() < 0.04 and shared_at < end:
                revoked = rnd.randrange(shared_at, end + 1)
                row = row[:5] + (ts(revoked), "No longer needed") + row[7:9] + (officer, officer)
                history("casework_caseshare", row, revoked, "~", officer, f"Share with {name_of[agency_id]} revoked")
                disclosure_row(
                    at=revoked,
                    kind="revoke",
                    user_id=officer,
                    from_agency=name_of[lead],
                    to_agency=name_of[agency_id],
                    case_id=case_id,
                    reference=reference,
                    legal_basis=basis_label,
                    purpose="No longer needed",
                    details={},
                )
            else:
                group_perm(case_id, agency_id, view_id)
                if can_change:
                    group_perm(case_id, agency_id, change_id)
            p["casework_caseshare"].append(row)

        # Actions (some owned by a partner the case is shared with), notes and evidence.
        for _ in range(rnd.choice((0, 1, 1, 2, 2, 3))):
            created = rnd.randrange(opened, end + 1)
            owner_agency = rnd.choice(shared_with) if shared_with and rnd.random() < 0.3 else lead
            owner = rnd.choice(members[owner_agency]) if rnd.random() < 0.6 else None
            due = clock.day(created + rnd.randrange(7, 60) * 86400)
            if closed_at:
                status = rnd.choice(("done", "done", "cancelled"))
            else:
                status = rnd.choice(("open", "open", "in_progress", "done"))
            action_id = ids.take("casework_action")
            row = (
                action_id,
                rnd.choice(ACTION_TEXT),
                due,
                "open",
                None,
                ts(created),
                creator,
                owner,
                owner_agency,
                case_id,
                "",
                "",
            )
            history("casework_action", row, created, "+", creator, "Action agreed")
            if status != "open":
                finished = min(end, created + rnd.randrange(86400, 30 * 86400))
                row = row[:3] + (status, ts(finished) if status == "done" else None) + row[5:]
                if status == "cancelled":
                    row = row[:-2] + ("not_possible", "The resident moved away before it could be done.")
                history("casework_action", row, finished, "~", owner or creator, f"Action {status.replace('_', ' ')}")
            p["casework_action"].append(row)
        for _ in range(rnd.choice((0, 1, 2, 2, 3))):
            created = rnd.randrange(opened, end + 1)
            author_agency = rnd.choice(shared_with) if shared_with and rnd.random() < 0.2 else lead
            author = rnd.choice(members[author_agency])
            row = (ids.take("casework_note"), rnd.choice(NOTES), ts(created), author, author_agency, case_id)
            p["casework_note"].append(row)
            history("casework_note", row, created, "+", author, "Note added")
        if rnd.random() < 0.3:
            created = rnd.randrange(opened, end + 1)
            row = (
                ids.take("casework_evidence"),
                "diary_sheet",
                "Diary sheets from the complainant",
                "",
                "",
                "",
                0,
                "",
                f"BWV-{case_id}",
                False,
                ts(created),
                case_id,
                creator,
            )
            p["casework_evidence"].append(row)
            history("casework_evidence", row, created, "+", creator, "Evidence added")

        # Who has read the case (every detail page view is logged).
        for _ in range(rnd.choice((1, 2, 3, 4))):
            reader = rnd.choice(shared_with) if shared_with and rnd.random() < 0.3 else lead
            user_id = rnd.choice(members[reader])
            access_row(
                at=rnd.randrange(opened, end + 1),
                user_id=user_id,
                agency=name_of[reader],
                case_id=case_id,
                reference=reference,
                page=rnd.choice(("summary", "parties", "timeline")),
            )

        done += 1
        if done % chunk == 0 or done == cases:
            with transaction.atomic():
                writer.flush()
            if stdout and (time.monotonic() - last_report > 10 or done == cases):
                last_report = time.monotonic()
                rate = done / (last_report - started)
                stdout.write(f"  {done:,} / {cases:,} cases ({rate:,.0f} cases/s)\n")
                if hasattr(stdout, "flush"):
                    stdout.flush()

    with transaction.atomic():
        writer.flush()
        for year, number in counters.items():
            CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": number})
        for log in ("access", "disclosure"):
            ChainHead.objects.update_or_create(
                log=log, defaults={"last_hash": prev_hash[log], "length": chain_length[log]}
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if skip_fk_checks:
                cursor.execute("SET session_replication_role = DEFAULT")
            for table in COLUMNS:
                pk = "history_id" if table.startswith("casework_historical") else "id"
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                    f"(SELECT COALESCE(MAX({pk}), 1) FROM {table}))"
                )
    summary = Summary(cases=cases, rows={t: n for t, n in writer.counts.items() if n})
    summary.skipped = _extensions(stdout=stdout)
    if guardian_baseline:
        sync_generic_baseline()
    summary.seconds = time.monotonic() - started
    if stdout:
        stdout.write(f"generated {cases:,} cases, {summary.total_rows:,} rows in {summary.seconds:,.0f} s\n")
    return summary


def _extensions(*, stdout) -> list[str]:
    """Data of the other apps: a CS MARAC meeting with a 60-case panel list (through marac.services, so
    shares, research requests and history are real); notices and triggers are reported, not invented."""
    from django.apps import apps

    skipped = []
    if list(apps.get_app_config("marac").get_models()):
        try:
            made = _marac_meeting(cases=MARAC_PANEL_CASES)
            if stdout:
                stdout.write(
                    f"marac: one meeting with a {made}-case panel list\n" if made else "marac: meeting already there\n"
                )
        except Exception as error:  # the app is being built; its services may change under the harness
            skipped.append(f"marac: panel list not generated ({type(error).__name__}: {error})")
    else:
        skipped.append("marac: not built yet")
    for label, what in (("enforcement", "notices"), ("triggers", "Community Trigger applications")):
        if list(apps.get_app_config(label).get_models()):
            skipped.append(f"{label}: {what} not generated by bench.generate yet")
        else:
            skipped.append(f"{label}: not built yet")
    from casework import list_counts  # the case list's maintained counts: COPY bypasses the model signals

    counted_list = list_counts.rebuild()
    if stdout:
        stdout.write(f"casework: case list counts rebuilt ({counted_list:,} rows)\n")
    try:
        from reports import figures  # the dashboard's maintained figures: COPY bypasses the model signals
    except ImportError:
        skipped.append("reports: no maintained figures yet")
    else:
        counted = figures.rebuild()
        if stdout:
            stdout.write(f"reports: dashboard figures rebuilt ({counted[0]:,} case and {counted[1]:,} incident rows)\n")
    for line in skipped:
        if stdout:
            stdout.write(f"skipped: {line}\n")
    return skipped


def _marac_meeting(*, cases: int) -> int:
    """Refer the newest open council-led cases, accept them, and list them for the next meeting."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from casework.models import Case
    from marac import services as marac_services
    from marac.models import Meeting

    coordinator = get_user_model().objects.get(username=COORDINATOR_USERNAME)
    if Meeting.objects.filter(entries__isnull=False).exists():
        return 0
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    meetings = marac_services.schedule_meetings(by=coordinator, first=day, count=1)
    meeting = meetings[0] if meetings else Meeting.objects.get(scheduled_for=day)
    chosen = (
        Case.objects.filter(lead_agency__short_name=COUNCIL, officer__isnull=False)
        .exclude(status="closed")
        .select_related("officer")
        .order_by("-opened_at")[:cases]
    )
    for case in chosen:
        referral = marac_services.refer_case(
            case=case,
            by=case.officer,
            reason="Repeated intimidation of a vulnerable victim; the victim is afraid to leave home.",
            risk_level="high",
            actions_tried="Warning letter, joint visits, CPN written warning.",
            consent="given",
            legal_basis="cda_s115",
        )
        marac_services.accept_referral(referral=referral, by=coordinator)
    return len(marac_services.generate_panel_list(meeting=meeting, by=coordinator, today=timezone.localdate()))


def sync_generic_baseline() -> int:
    """Make guardian's generic table hold exactly the case group permissions (after the MARAC services
    shared cases through the direct tables), so the naive baseline answers the same question."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from casework.models import Case

    ct = ContentType.objects.get_for_model(Case).pk
    cast = "CAST(d.content_object_id AS varchar)" if connection.vendor != "postgresql" else "d.content_object_id::text"
    direct = f"SELECT {cast} AS object_pk, d.group_id, d.permission_id FROM casework_casegroupobjectpermission d"
    generic = "SELECT object_pk, group_id, permission_id FROM guardian_groupobjectpermission WHERE content_type_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        # Set differences (hashed), not correlated anti-joins: seconds, not minutes, at millions of rows.
        cursor.execute(
            "DELETE FROM guardian_groupobjectpermission WHERE content_type_id = %s AND id IN ("
            "SELECT g.id FROM guardian_groupobjectpermission g JOIN ("
            f"{generic} EXCEPT {direct}) x ON x.object_pk = g.object_pk AND x.group_id = g.group_id "
            "AND x.permission_id = g.permission_id WHERE g.content_type_id = %s)",
            [ct, ct, ct],
        )
        removed = cursor.rowcount
        cursor.execute(
            "INSERT INTO guardian_groupobjectpermission (object_pk, content_type_id, group_id, permission_id) "
            f"SELECT x.object_pk, %s, x.group_id, x.permission_id FROM ({direct} EXCEPT {generic}) x",
            [ct, ct],
        )
        return removed + cursor.rowcount


def analyse(*, stdout=None) -> float:
    """VACUUM ANALYZE after a bulk load (what autovacuum would reach soon after), so plans see real sizes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in COLUMNS:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    if stdout:
        stdout.write(f"vacuum analyze: {seconds:,.0f} s\n")
    return seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--guardian-baseline",
        action="store_true",
        help="also write the generic varchar object_pk rows bench.run's naive baseline reads",
    )
    parser.add_argument(
        "--skip-fk-checks",
        action="store_true",
        help="PostgreSQL: load with session_replication_role=replica (foreign keys not rechecked)",
    )
    parser.add_argument("--chunk", type=int, default=5000, help="cases per COPY transaction")
    parser.add_argument("--extensions-only", action="store_true", help="only add the other apps' data (MARAC)")
    args = parser.parse_args(argv)
    from bench import setup_django

    setup_django()
    if args.extensions_only:
        _extensions(stdout=sys.stdout)
        if args.guardian_baseline:
            sys.stdout.write(f"generic baseline rows changed: {sync_generic_baseline():,}\n")
        return
    generate(
        cases=args.cases,
        seed=args.seed,
        guardian_baseline=args.guardian_baseline,
        skip_fk_checks=args.skip_fk_checks,
        chunk=args.chunk,
        stdout=sys.stdout,
    )
    analyse(stdout=sys.stdout)


if __name__ == "__main__":
    main()
