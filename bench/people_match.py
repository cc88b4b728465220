"""How fast the add-party form proposes known people: casework.people.propose_matches against an unindexed ILIKE.

    createdb -h 127.0.0.1 -U postgres bench_people
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_people .venv/bin/python -m bench.people_match \
        [--people 20000] [--queries 200] [--reuse]

Migrates the scratch database, bulk-loads `--people` people (two per case, half the cases led by another agency
so the access filter has work to do), then for `--queries` people the bench officer can see enters their name
with one spelling slip and times (a) the proposal selector and (b) the baseline a developer would write without
the index: the same access filter and `last_name ILIKE '%slip%'`. Prints p50/p95 of both, their ratio and how
often the right person was proposed. It refuses a database that already holds cases, unless `--reuse` says to
measure again on the people an earlier run loaded (2M people take about 25 minutes to load). Figures in
docs/people-and-places.md.
"""

import argparse
import os
import random
import statistics
import sys
import time

FIRST = (
    "Maria Mary Marie John Jon Joan Mohammed Muhammad Ahmed Aisha Fatima Priya Sanjay Kevin Kieran Sean Shaun "
    "Catherine Katherine Kathryn Stephen Steven Ioana Andrei Olga Yusuf Grace Chloe Amelia Oliver Harry Jack "
    "George Noah Leo Arthur Muhammad Isla Ava Mia Ivy Lily Freya Sophia Emily Ella Zara Amir Omar Ali Hassan"
).split()
# Surnames from consonant-vowel syllables: a trigram vocabulary as varied as real surnames' (a handful of fixed
# syllables would make every trigram common and every index scan long).
CONSONANTS = "bcdfghjklmnprstvwyz"
VOWELS = "aeiou"


def _surname(rng: random.Random) -> str:
    syllables = [
        rng.choice(CONSONANTS) + rng.choice(VOWELS) + (rng.choice(CONSONANTS) if rng.random() < 0.4 else "")
        for _ in range(rng.randint(2, 3))
    ]
    return "".join(syllables).capitalize()


def _slip(rng: random.Random, word: str) -> str:
    """One spelling slip: a letter changed, dropped or doubled (never the first letter)."""
    i = rng.randint(1, len(word) - 1)
    kind = rng.choice(("change", "drop", "double"))
    if kind == "drop" and len(word) > 4:
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiouy") + word[i + 1 :]


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Give DATABASE_URL an empty PostgreSQL database (the index under test is PostgreSQL's)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def _load(people: int, rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection, transaction
    from django.utils import timezone

    from casework import roles, services
    from casework.models import AgencyKind, Case, CaseGroupObjectPermission, CaseParty, Person, Ward

    if Case.objects.exists():
        sys.exit("Refusing to run on a database that already holds cases: give DATABASE_URL a scratch database")
    council = services.create_agency(name="Bench Council", short_name="bench-council", kind=AgencyKind.COUNCIL)
    police = services.create_agency(name="Bench Police", short_name="bench-police", kind=AgencyKind.POLICE)
    ward, _ = Ward.objects.get_or_create(name="Bench Ward", defaults={"code": "bench-ward"})
    user, _ = get_user_model().objects.get_or_create(username="bench-officer")
    services.add_member(user=user, agency=council, roles=(roles.ENFORCEMENT_OFFICER,))
    perms = list(
        Permission.objects.filter(
            content_type__app_label="casework", codename__in=["view_case", "change_case", "view_case_sensitive"]
        )
    )
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        cases = Case.objects.bulk_create(
            [
                Case(
                    reference=f"BENCH-{n:07d}",
                    title="Bench case",
                    category="noise",
                    description="x",
                    ward=ward,
                    lead_agency=council if n % 2 == 0 else police,
                    opened_at=now,
                )
                for n in range(people // 2)
            ],
            batch_size=5000,
        )
        CaseGroupObjectPermission.objects.bulk_create(
            [
                CaseGroupObjectPermission(content_object=case, group_id=case.lead_agency.group_id, permission=p)
                for case in cases
                for p in perms
            ],
            batch_size=5000,
        )
        persons = Person.objects.bulk_create(
            [Person(first_name=rng.choice(FIRST), last_name=_surname(rng)) for _ in range(people)], batch_size=5000
        )
        CaseParty.objects.bulk_create(
            [
                CaseParty(case=cases[n // 2], role="victim" if n % 2 == 0 else "person_causing_harm", person=p)
                for n, p in enumerate(persons)
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {people} people on {len(cases)} cases in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return user


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(people: int, queries: int, seed: int = 19, reuse: bool = False) -> dict:
    from django.contrib.auth import get_user_model

    from casework import access
    from casework import people as index
    from casework.models import Person

    rng = random.Random(seed)
    if reuse and Person.objects.exists():
        people = Person.objects.count()
    else:
        _load(people, rng)
    user = get_user_model().objects.get(username="bench-officer")
    visible = list(access.visible_people(user).values_list("pk", "first_name", "last_name")[: queries * 5])
    sample = rng.sample(visible, min(queries, len(visible)))
    proposals, baseline, found = [], [], 0
    for pk, first, last in sample:
        typed = _slip(rng, last)
        started = time.perf_counter()
        matches = index.propose_matches(user=user, first_name=first, last_name=typed)
        proposals.append((time.perf_counter() - started) * 1000)
        found += any(m.person.pk == pk for m in matches)
        started = time.perf_counter()
        list(
            access.visible_people(user)
            .filter(merged_into__isnull=True, last_name__icontains=typed[:4])
            .order_by("last_name", "pk")[:5]
        )
        baseline.append((time.perf_counter() - started) * 1000)
    result = {
        "people": people,
        "queries": len(sample),
        "proposal_p50_ms": round(statistics.median(proposals), 2),
        "proposal_p95_ms": round(_p(proposals, 0.95), 2),
        "ilike_p50_ms": round(statistics.median(baseline), 2),
        "ilike_p95_ms": round(_p(baseline, 0.95), 2),
        "right_person_proposed": f"{found}/{len(sample)}",
    }
    result["p95_ratio_ilike_over_proposal"] = round(result["ilike_p95_ms"] / result["proposal_p95_ms"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure on the people an earlier run loaded")
    parser.add_argument("--seed", type=int, default=19, help="with --reuse, another seed draws other names")
    args = parser.parse_args()
    _setup()
    for key, value in run(args.people, args.queries, seed=args.seed, reuse=args.reuse).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
