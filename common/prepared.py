"""Server-side prepared statements for the statements every request repeats (issue 23, sixth round).

PostgreSQL plans every statement it is sent: for the case lookup of a case page that is 3.5 ms of planning for
1 ms of execution, for the signed-in user's row 0.9 ms for 0.25 ms. A prepared statement is planned once per
connection (after PostgreSQL's first five custom plans it keeps a generic plan when that is no worse), so
repeating it costs only the execution.

Only statements run inside `prepared_statements()` are prepared, and only those whose plan does not depend on
the values: a row found by its unique key, a case's own rows by its id. A list or count whose best plan depends
on how many rows a group holds is never prepared here (a generic plan chosen for a small agency would sort a
large agency's cases). Everything else runs exactly as before.

How: psycopg2's connection and cursor classes (`connection_factory`, `cursor_factory` in the database OPTIONS).
The cursor turns a statement it has seen before on this connection into `PREPARE name AS ...` once, then sends
`EXECUTE name(values)`: the values are quoted by psycopg2 as before; the rows, errors and row counts are the
statement's own. Inside a transaction the PREPARE runs behind a savepoint, so a statement PostgreSQL cannot
prepare leaves the transaction as it was; such a statement is remembered and always sent as it is. Django's
query log and `assertNumQueries` see the statement the ORM wrote, once.
"""

import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg2
import psycopg2.extensions

_inside: ContextVar[bool] = ContextVar("prepared_statements", default=False)

#: How many statements one connection keeps prepared; the least recently used is deallocated beyond it.
MAX_PREPARED = 200
#: A statement is prepared the second time a connection runs it inside `prepared_statements()`.
PREPARE_AFTER = 1

_PLACEHOLDER = re.compile(r"%(.)")
_UNPREPARABLE = ""


class _CannotPrepare(Exception):
    pass


@contextmanager
def prepared_statements() -> Iterator[None]:
    """Statements run inside may be prepared: use only around queries whose plan does not depend on the values."""
    token = _inside.set(True)
    try:
        yield
    finally:
        _inside.reset(token)


def _numbered(query: str, count: int) -> str | None:
    """The statement with psycopg2's `%s` placeholders as `$1..$n` (and `%%` as `%`); None if it has others."""
    numbers = iter(range(1, count + 1))
    failed = False

    def replace(match: re.Match) -> str:
        nonlocal failed
        if match.group(1) == "%":
            return "%"
        if match.group(1) == "s":
            number = next(numbers, None)
            if number is not None:
                return f"${number}"
        failed = True
        return ""

    numbered = _PLACEHOLDER.sub(replace, query)
    if failed or next(numbers, None) is not None:
        return None
    return numbered


def _literal_type(value) -> str | None:
    """The type PostgreSQL gives the literal psycopg2 writes for `value` (an integer literal is int4 when it fits)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if -(2**31) <= value < 2**31 else "bigint"
    return None


def _declared_types(types: list[str], values: list | tuple) -> list[str] | None:
    """The parameter types to prepare with, or None when PostgreSQL's own reading is right.

    Where PostgreSQL could only read a parameter as text (a bare `SELECT %s AS "a"`), the statement sent with the
    value in it would have had a number or a boolean there: such parameters are declared with the literal's type.
    A parameter read as text that the ORM gives neither a string nor a number: the statement is not prepared ([])."""
    declared, changed = [], False
    for pg_type, value in zip(types, values, strict=True):
        if pg_type in ("text", "unknown") and value is not None and not isinstance(value, str):
            literal = _literal_type(value)
            if literal is None:
                return []
            declared.append(literal)
            changed = True
        else:
            declared.append(pg_type)
    return declared if changed else None


class PreparingCursor(psycopg2.extensions.cursor):
    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's name
        if (
            _inside.get()
            and self.name is None
            and isinstance(query, str)
            and isinstance(vars, list | tuple)
            and vars
            and isinstance(self.connection, PreparingConnection)
        ):
            name = self.connection.statement_for(query, vars)
            if name:
                self._statement = (query, vars)
                return super().execute(f"EXECUTE {name}({', '.join(['%s'] * len(vars))})", vars)
        self._statement = None
        return super().execute(query, vars)

    @property
    def query(self):
        """The statement as the ORM wrote it, with its values (what Django's query log shows), not `EXECUTE`."""
        statement = getattr(self, "_statement", None)
        return self.mogrify(*statement) if statement else super().query


class PreparingConnection(psycopg2.extensions.connection):
    """A psycopg2 connection that keeps the statements it has prepared (they live as long as the session)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: OrderedDict[str, str] = OrderedDict()
        self.sightings: dict[str, int] = {}
        self.serial = 0

    def statement_for(self, query: str, values: list | tuple) -> str | None:
        """The prepared statement's name for `query`, preparing it when it repeats; None to send it as it is."""
        name = self.prepared.get(query)
        if name is not None:
            self.prepared.move_to_end(query)
            return name or None
        seen = self.sightings.get(query, 0)
        if seen < PREPARE_AFTER:
            if len(self.sightings) > 10 * MAX_PREPARED:
                self.sightings.clear()
            self.sightings[query] = seen + 1
            return None
        status = self.info.transaction_status
        if status not in (psycopg2.extensions.TRANSACTION_STATUS_IDLE, psycopg2.extensions.TRANSACTION_STATUS_INTRANS):
            return None
        self.sightings.pop(query, None)
        numbered = _numbered(query, len(values))
        self.serial += 1
        name = f"cw_{self.serial}"
        self.prepared[query] = name if numbered is not None and self._prepare(name, numbered, values) else _UNPREPARABLE
        while len(self.prepared) > MAX_PREPARED:
            _, oldest = self.prepared.popitem(last=False)
            if oldest:
                with self.cursor(cursor_factory=psycopg2.extensions.cursor) as cursor:
                    cursor.execute(f"DEALLOCATE {oldest}")
        return self.prepared.get(query) or None

    def _prepare(self, name: str, numbered: str, values: list | tuple) -> bool:
        """PREPARE the statement; inside a transaction behind a savepoint, so that a statement PostgreSQL cannot
        prepare leaves the transaction as it was (a prepared statement outlives the savepoint either way)."""
        idle = self.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_IDLE
        in_transaction = not (self.autocommit and idle)
        with self.cursor(cursor_factory=psycopg2.extensions.cursor) as cursor:
            if in_transaction:
                cursor.execute("SAVEPOINT cw_prepare")
            try:
                cursor.execute(f"PREPARE {name} AS {numbered}")
                cursor.execute("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s", [name])
                declared = _declared_types(cursor.fetchone()[0], values)
                if declared is not None:
                    cursor.execute(f"DEALLOCATE {name}")
                    if not declared:
                        raise _CannotPrepare
                    cursor.execute(f"PREPARE {name}({', '.join(declared)}) AS {numbered}")
            except (psycopg2.Error, _CannotPrepare):
                if in_transaction:
                    cursor.execute("ROLLBACK TO SAVEPOINT cw_prepare")
                    cursor.execute("RELEASE SAVEPOINT cw_prepare")
                return False
            if in_transaction:
                cursor.execute("RELEASE SAVEPOINT cw_prepare")
        return True
