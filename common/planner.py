"""The PostgreSQL planner settings the measured performance depends on (issue 23, docs/performance.md).

`jit` and `random_page_cost` are set on the app's own connections (`DB_OPTIONS`, config/settings.py), so a
server left at its defaults still plans our queries as measured. `effective_cache_size` describes the
server's memory, so it is checked rather than set. Whatever a connection ends up with is compared with
`settings.DB_PLANNER_SETTINGS` by a system check (`manage.py check --database default`, run by the deploy)
and once per process when the first connection opens (`warn_once`), so gunicorn logs a warning at start-up
when the server differs.
"""

import logging
import re

from django.conf import settings
from django.core import checks
from django.db import connections

logger = logging.getLogger("casework.performance")

_UNITS_KB = {"kB": 1, "MB": 1024, "GB": 1024 * 1024, "TB": 1024 * 1024 * 1024}


def _kilobytes(value: str) -> int | None:
    match = re.fullmatch(r"\s*(\d+)\s*([kMGT]B)?\s*", value or "")
    if not match:
        return None
    return int(match.group(1)) * _UNITS_KB[match.group(2) or "kB"]


def server_values(connection) -> dict[str, str]:
    """What the connection's planner uses, as `SHOW` prints it."""
    values = {}
    with connection.cursor() as cursor:
        for name in ("jit", "random_page_cost", "effective_cache_size"):
            cursor.execute(f"SHOW {name}")  # names from the fixed tuple above, never from input
            values[name] = str(cursor.fetchone()[0])
    return values


def differences(values: dict[str, str]) -> list[str]:
    """Each setting that differs from what the figures were measured with, in words."""
    wanted = settings.DB_PLANNER_SETTINGS
    found = []
    if values.get("jit") != wanted["jit"]:
        found.append(f"jit is {values.get('jit')}, expected {wanted['jit']}")
    try:
        cost = float(values.get("random_page_cost", ""))
    except ValueError:
        cost = None
    if cost is None or cost > float(wanted["random_page_cost"]):
        found.append(
            f"random_page_cost is {values.get('random_page_cost')}, expected {wanted['random_page_cost']} or less"
        )
    size, minimum = _kilobytes(values.get("effective_cache_size", "")), _kilobytes(wanted["effective_cache_size"])
    if size is None or (minimum is not None and size < minimum):
        found.append(
            f"effective_cache_size is {values.get('effective_cache_size')}, "
            f"expected {wanted['effective_cache_size']} or more"
        )
    return found


def _postgres(connection) -> bool:
    return connection.vendor == "postgresql"


@checks.register(checks.Tags.database)
def check_planner_settings(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if not _postgres(connection):
            continue
        for difference in differences(server_values(connection)):
            messages.append(
                checks.Warning(
                    f"PostgreSQL planner setting differs from the measured configuration: {difference}.",
                    hint="See docs/operations.md, 'PostgreSQL settings', and DB_OPTIONS.",
                    obj=f"database '{alias}'",
                    id="casework.W023",
                )
            )
    return messages


_warned = False


def warn_once(sender, connection, **kwargs) -> None:
    """connection_created handler: log the differences once per process (gunicorn runs no system checks)."""
    global _warned
    if _warned or not _postgres(connection):
        return
    _warned = True
    try:
        for difference in differences(server_values(connection)):
            logger.warning("PostgreSQL planner setting differs from the measured configuration: %s", difference)
    except Exception:  # a check must never stop the app from serving
        logger.exception("Could not read the PostgreSQL planner settings")
