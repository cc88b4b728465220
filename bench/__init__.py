"""Benchmarks at national scale: synthetic data (generate), measured scenarios (run), load test (load).

See docs/performance.md for the figures, the targets and how to reproduce them.
"""

import os


def setup_django() -> None:
    """Configure Django for a command-line bench script (DATABASE_URL picks the database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
