"""The dashboard's case and NM01 figures, live scan against maintained figures (reports/figures.py, issue 23):
p50 of both paths for the bench manager, the rolling 12 months and a year earlier, and a check that they agree.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k python -m bench.dashboard_figures
"""


def main() -> None:
    from bench import p50_ms, setup_django

    setup_django()
    from django.contrib.auth.models import User
    from django.utils import timezone

    from bench.generate import MANAGER_USERNAME
    from casework import hate
    from casework import selectors as casework_selectors
    from reports import figures, periods

    user = User.objects.get(username=MANAGER_USERNAME)
    period = periods.rolling_twelve_months(timezone.localdate())
    both = (period, periods.year_earlier(period))

    def live():
        return [
            (
                casework_selectors.case_volumes(user=user, start=p.start, end=p.end),
                hate.nm01_counts(user=user, start=p.start, end=p.end),
            )
            for p in both
        ]

    def maintained():
        return [
            (
                figures.case_volumes(user=user, start=p.start, end=p.end),
                figures.nm01_counts(user=user, start=p.start, end=p.end),
            )
            for p in both
        ]

    if live() != maintained():
        raise SystemExit("the figures differ from the live scan: run manage.py rebuild_dashboard_figures --check")
    print(f"live scan p50 {p50_ms(live):.1f} ms, figures p50 {p50_ms(maintained):.1f} ms (equal answers)")


if __name__ == "__main__":
    main()
