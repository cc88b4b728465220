"""A queryset's SQL compiled once per thread and database connection, then run again with other values (issue 23).

Every signed-in request runs the same few statements before its view (the session row, the user row with its
annotations, the user's groups); compiling each through the ORM cost more CPU than the database took to answer
it. `CompiledQuery` builds the queryset once with placeholder values, keeps the SQL, the parameters and how the
ORM turns rows into objects, and afterwards only swaps the placeholders' parameters for the request's values:
the same statement, the same objects, no compilation. When a placeholder cannot be found exactly once among the
compiled parameters it falls back to the ORM, every time (`tests/foundation/test_compiled_sql.py`).

`ShapedQuery` does the same for a query whose SQL depends on a few Python-side inputs (its shape: how many ids a
list holds, which branches are added) and whose values may each appear several times (the user's group ids in
every permission EXISTS of the case lookup, casework.access).
"""

import threading
from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators  # type: ignore[attr-defined]
from django.utils.functional import cached_property

from common.prepared import prepared_statements


class _Plan:
    __slots__ = (
        "connection",
        "sql",
        "params",
        "slots",
        "compiler",
        "converters",
        "model",
        "init_list",
        "span",
        "prepare",
    )

    def __init__(
        self,
        connection,
        queryset: QuerySet | None,
        slots: list[tuple[int, ...]],
        sql: str,
        params: Sequence,
        compiler,
        *,
        prepare: bool = True,
    ):
        self.connection = connection
        self.prepare = prepare
        self.sql = sql
        self.params = list(params)
        self.slots = slots  # where each value goes among the parameters
        self.compiler = compiler
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.model = None
        if queryset is not None and queryset._iterable_class is ModelIterable:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model = (
                klass_info["model"],
                [f[0].target.attname for f in select[start:end]],
                (start, end),
                get_related_populators(klass_info, select, queryset.db),
                dict(compiler.annotation_col_map or {}),
            )

    def run(self, fields: Sequence[Field], values: Sequence, using: str) -> list:
        """The rows (model instances, or tuples) for these values, as the ORM would make them."""
        connection = self.connection
        params = list(self.params)
        for positions, field, value in zip(self.slots, fields, values, strict=True):
            prepared = field.get_db_prep_value(value, connection, prepared=False)
            for position in positions:
                params[position] = prepared
        # a statement compiled here that finds rows by a key (a session, a user, a case) is prepared: one plan serves
        # every value; one whose best plan depends on the values (prepare=False) is sent as the ORM sends it
        with connection.cursor() as cursor, prepared_statements() if self.prepare else nullcontext():
            cursor.execute(self.sql, params)
            raw = cursor.fetchall()
        rows = self.compiler.apply_converters(raw, self.converters) if self.converters else raw
        if self.model is None:
            return [tuple(row) for row in rows]
        model, init_list, (start, end), populators, annotations = self.model
        objects: list[Model] = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _plain(queryset: QuerySet) -> bool:
    """Model instances or `values_list` tuples, nothing prefetched or added after the rows are read."""
    iterable = queryset._iterable_class
    return (
        not queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        and not queryset._known_related_objects  # type: ignore[attr-defined]
        and (
            iterable is ModelIterable
            or (iterable is ValuesListIterable and not queryset.query.annotation_select and not queryset.query.extra)
        )
    )


class CompiledQuery:
    """`build(*values)` returns the queryset for these values; `fields()` the model fields the values are
    compared with (they prepare each value for the database as the ORM would; a callable, as models load after
    this module). `placeholders` are values no real request uses, one a value. Only plain querysets of model
    instances or of `values_list` tuples, with no prefetching."""

    def __init__(self, build: Callable[..., QuerySet], fields: Callable[[], Sequence[Field]], placeholders: Sequence):
        self.build = build
        self._fields = fields
        self.placeholders = list(placeholders)
        self._local = threading.local()

    @cached_property
    def fields(self) -> list[Field]:
        return list(self._fields())

    def _plan(self, using: str, key: tuple) -> _Plan | None:
        connection = connections[using]
        plans = self._local.__dict__.setdefault("plans", {})
        cache_key = (using, key)
        if cache_key in plans and (plans[cache_key] is None or plans[cache_key].connection is connection):
            return plans[cache_key]
        queryset = self.build(*self.placeholders).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots: list[tuple[int, ...]] = []
        for field, placeholder in zip(self.fields, self.placeholders, strict=True):
            prepared = field.get_db_prep_value(placeholder, connection, prepared=False)
            found = [i for i, p in enumerate(params) if type(p) is type(prepared) and p == prepared]
            if len(found) != 1:
                slots = []
                break
            slots.append((found[0],))
        plan = _Plan(connection, queryset, slots, sql, params, compiler) if slots and _plain(queryset) else None
        plans[cache_key] = plan
        return plan

    def rows(self, *values, using: str = "default", key: tuple = ()) -> list:
        """What `list(build(*values))` gives; `key` names anything else the built SQL depends on (a setting)."""
        plan = self._plan(using, key)
        if plan is None:
            return list(self.build(*values))
        return plan.run(self.fields, values, using)


#: Stand-ins for a shape's values while it compiles, by the kind of column they are compared with: two sets, so
#: a parameter that changes between them is known to be a value's and one that does not a constant's.
_INTEGERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXTS = {"CharField", "TextField", "SlugField"}


def _stand_in(field: Field, which: int, index: int):
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind in _INTEGERS:
        return -2_147_000_000 - which * 100_000 - index
    if kind in _TEXTS:
        return f"~compiled-sql-stand-in-{which}-{index}~"
    if kind == "DateField":
        return date(1901, 1 + which, 1) + timedelta(days=index)
    if kind == "DateTimeField":
        return datetime(1901, 1 + which, 1, tzinfo=UTC) + timedelta(minutes=index)
    raise TypeError(f"No stand-in value for a {kind}")


class ShapedQuery:
    """`build(shape, *values)` returns the queryset for a shape (a tuple of everything Python-side the SQL depends
    on besides the values: how many ids, which branches, which callables add to it) and these values; `fields` the
    model field each value is compared with. Compiled once per thread, connection and shape with two sets of
    stand-in values: the SQL must be the same text and the parameters must differ exactly where a stand-in is
    (each value appearing at least once, as often as it likes); anything else runs through the ORM, every time.
    `exists=True` runs `build(...).exists()` (the answer is whether a row came back). `prepare=False` for a query
    whose best plan depends on its values (how many cases a user's groups hold): sent as a plain statement, as the
    ORM sends it, so PostgreSQL plans it for the values every time (common.prepared)."""

    def __init__(self, build: Callable[..., QuerySet], *, exists: bool = False, prepare: bool = True):
        self.build = build
        self.exists = exists
        self.prepare = prepare
        self._local = threading.local()

    def _compile(self, queryset: QuerySet, using: str):
        query = queryset.query.exists(limit=True) if self.exists else queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return compiler, sql, list(params)

    def _plan(self, using: str, shape: Hashable, fields: Sequence[Field]) -> _Plan | None:
        connection = connections[using]
        plans = self._local.__dict__.setdefault("plans", {})
        cache_key = (using, shape, tuple(fields))
        plan = plans.get(cache_key, False)
        if plan is not False and (plan is None or plan.connection is connection):
            return plan
        plans[cache_key] = plan = self._new_plan(connection, using, shape, fields)
        return plan

    def _new_plan(self, connection, using: str, shape: Hashable, fields: Sequence[Field]) -> _Plan | None:
        stand_ins = [[_stand_in(field, which, i) for i, field in enumerate(fields)] for which in (0, 1)]
        compiled = []
        try:
            for values in stand_ins:
                queryset = self.build(shape, *values).using(using)
                compiled.append((queryset, *self._compile(queryset, using)))
        except EmptyResultSet:  # the ORM answers without a query (an empty list of ids)
            return None
        (queryset, compiler, sql, params), (_, _, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params) or not _plain(queryset):
            return None
        slots: list[tuple[int, ...]] = []
        claimed: set[int] = set()
        for field, first, second in zip(fields, *stand_ins, strict=True):
            a = field.get_db_prep_value(first, connection, prepared=False)
            b = field.get_db_prep_value(second, connection, prepared=False)
            found = tuple(i for i, p in enumerate(params) if type(p) is type(a) and p == a)
            if not found or any(other_params[i] != b or type(other_params[i]) is not type(b) for i in found):
                return None
            slots.append(found)
            claimed.update(found)
        if any(params[i] != other_params[i] for i in range(len(params)) if i not in claimed):
            return None
        return _Plan(connection, None if self.exists else queryset, slots, sql, params, compiler, prepare=self.prepare)

    def rows(self, shape: Hashable, fields: Sequence[Field], values: Sequence, *, using: str = "default"):
        """What `list(build(shape, *values))` gives (with `exists`, what `build(shape, *values).exists()` does)."""
        plan = self._plan(using, shape, fields)
        if plan is None:
            queryset = self.build(shape, *values)
            return queryset.exists() if self.exists else list(queryset)
        found = plan.run(fields, values, using)
        return bool(found) if self.exists else found
