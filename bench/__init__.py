"""Benchmarks at national scale: synthetic data (generate), measured scenarios (run), load test (load).

See docs/performance.md for the figures, the targets and how to reproduce them.
"""

import os
import statistics
import time


def setup_django() -> None:
    """Configure Django for a command-line bench script (DATABASE_URL picks the database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def p50_ms(fn, n: int = 30) -> float:
    """Median wall time of `fn` in ms over `n` calls, after three to warm caches."""
    for _ in range(3):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
