"""A queryset's SQL compiled once per thread and database connection, then run again with other values (issue 23).

Every signed-in request runs the same few statements before its view (the session row, the user row with its
annotations, the user's groups); compiling each through the ORM cost more CPU than the database took to answer
it. `CompiledQuery` builds the queryset once with placeholder values, keeps the SQL, the parameters and how the
ORM turns rows into objects, and afterwards only swaps the placeholders' parameters for the request's values:
the same statement, the same objects, no compilation. When a placeholder cannot be found exactly once among the
compiled parameters it falls back to the ORM, every time (`tests/foundation/test_compiled_sql.py`).
"""

import threading
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators  # type: ignore[attr-defined]
from django.utils.functional import cached_property

from common.prepared import prepared_statements


class _Plan:
    __slots__ = ("connection", "sql", "params", "slots", "compiler", "converters", "model", "init_list", "span")

    def __init__(self, connection, queryset: QuerySet, slots: list[int], sql: str, params: Sequence, compiler):
        self.connection = connection
        self.sql = sql
        self.params = list(params)
        self.slots = slots
        self.compiler = compiler
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.model = None
        if queryset._iterable_class is ModelIterable:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model = (
                klass_info["model"],
                [f[0].target.attname for f in select[start:end]],
                (start, end),
                get_related_populators(klass_info, select, queryset.db),
                dict(compiler.annotation_col_map or {}),
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
        slots: list[int] = []
        for field, placeholder in zip(self.fields, self.placeholders, strict=True):
            prepared = field.get_db_prep_value(placeholder, connection, prepared=False)
            found = [i for i, p in enumerate(params) if type(p) is type(prepared) and p == prepared]
            if len(found) != 1:
                slots = []
                break
            slots.append(found[0])
        iterable = queryset._iterable_class
        plain = not queryset._prefetch_related_lookups and (  # type: ignore[attr-defined]
            iterable is ModelIterable
            or (iterable is ValuesListIterable and not queryset.query.annotation_select and not queryset.query.extra)
        )
        plan = _Plan(connection, queryset, slots, sql, params, compiler) if slots and plain else None
        plans[cache_key] = plan
        return plan

    def rows(self, *values, using: str = "default", key: tuple = ()) -> list:
        """What `list(build(*values))` gives; `key` names anything else the built SQL depends on (a setting)."""
        plan = self._plan(using, key)
        if plan is None:
            return list(self.build(*values))
        connection = plan.connection
        params = list(plan.params)
        for slot, field, value in zip(plan.slots, self.fields, values, strict=True):
            params[slot] = field.get_db_prep_value(value, connection, prepared=False)
        with connection.cursor() as cursor, prepared_statements():
            cursor.execute(plan.sql, params)
            raw = cursor.fetchall()
        rows = plan.compiler.apply_converters(raw, plan.converters) if plan.converters else raw
        if plan.model is None:
            return [tuple(row) for row in rows]
        model, init_list, (start, end), populators, annotations = plan.model
        objects: list[Model] = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
