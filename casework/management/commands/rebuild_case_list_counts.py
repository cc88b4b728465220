"""Recount the case list's maintained counts from the view permissions (backfill and repair), or check them."""

from casework import list_counts
from common.maintained import command

Command = command(
    what="case list's counts",
    help="Rebuild the case list's per-group, ward and status counts exactly (or --check them).",
    differences=list_counts.differences,
    rebuild=lambda: f"Rebuilt {list_counts.rebuild()} case list counts.",
)
