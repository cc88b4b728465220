"""The case list's filtered count (open statuses in the first ward, the bench partner): the capped live count
against the maintained counts (casework/list_counts.py, issue 23), p50 of 30 after checking they agree.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k python -m bench.list_count
"""


def main() -> None:
    from bench import p50_ms, setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    from bench.generate import PARTNER_USERNAME
    from casework import access
    from casework.models import CaseStatus, Ward
    from common import keyset

    partner = get_user_model().objects.get(username=PARTNER_USERNAME)
    ward = Ward.objects.order_by("name").first()
    statuses = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]
    cases = access.visible_cases(partner).filter(ward=ward, status__in=statuses)

    def capped():
        return min(keyset.count_up_to(cases, 1000), 1001)

    def maintained():
        return access.visible_count(partner, ward_id=ward.pk, statuses=statuses)

    exact = cases.count()
    if maintained() != exact or capped() != min(exact, 1001):
        raise SystemExit(f"counts differ: exact {exact}, maintained {maintained()}, capped {capped()}")
    timings = f"capped count p50 {p50_ms(capped):.2f} ms, maintained p50 {p50_ms(maintained):.2f} ms"
    print(f"{ward.name}, open statuses, {exact} cases: {timings}")


if __name__ == "__main__":
    main()
