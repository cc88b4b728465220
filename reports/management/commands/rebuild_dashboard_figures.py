"""Recount the dashboard's maintained figures from the cases and incidents (backfill and repair), or check them."""

from common.maintained import command
from reports import figures


def _rebuild() -> str:
    cases, incidents = figures.rebuild()
    return f"Rebuilt {cases} case figures and {incidents} hate-incident figures."


Command = command(
    what="dashboard's figures",
    help="Rebuild the dashboard's monthly case and hate-incident figures exactly (or --check them).",
    differences=figures.differences,
    rebuild=_rebuild,
)
