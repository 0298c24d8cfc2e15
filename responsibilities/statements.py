"""Querysets compiled once per process, for the few queries every signed-in request runs.

Building a queryset and compiling it to SQL in the ORM costs several times what PostgreSQL
needs to run a small indexed query (measured on the bench data: the user's row 0.42 ms through
`get()`, 0.17 ms compiled once; the unread count 0.46 ms through `count()`, 0.09 ms compiled
once). A `Statement` builds its queryset twice, with two sets of sample arguments, and keeps
the SQL when the two compile to the same text with the arguments' values, and only those,
in different parameter places. Each run puts the real arguments in those places and applies
the converters the ORM would have applied. When the check fails (a queryset whose SQL depends
on its arguments, or a future Django compiling differently) every run goes through the ORM:
slower, never wrong.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Lookup, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)


class AnyOf(Lookup):
    """`field__any=[…]`: the field equals one of the values. On PostgreSQL `= ANY(%s)` with the
    values as one array parameter, so the SQL is the same however many values there are and a
    `Statement` can take the list as one argument (an index is used as for `IN`, which
    PostgreSQL plans as the same `= ANY(ARRAY[…])`). Elsewhere it is written as `IN (…)`."""

    lookup_name = "any"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_prep_lookup(self):
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        if connection.vendor == "postgresql":
            array = f"{field.cast_db_type(connection)}[]"
            return f"{lhs} = ANY(%s::{array})", (*lhs_params, values)
        if not values:
            raise EmptyResultSet  # as `__in=[]`: no row, and no query where it decides alone
        marks = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({marks})", (*lhs_params, *values)


def _adapt(connection, value):
    if isinstance(value, list | tuple | frozenset | set):
        return [_adapt(connection, item) for item in value]
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: dict[int, int]  # parameter place → index of the argument that goes there
    converters: dict
    model: type | None  # for model querysets: instances made with model.from_db
    fields: list[str] | None  # the model's attnames, in the order selected
    names: list[str] | None  # for values(): the keys of each row's dict
    flat: bool
    # For model querysets, as the ORM's ModelIterable: where the model's columns are, the
    # select_related() models' populators and the annotations' places.
    span: slice | None = None
    related: list | None = None
    annotations: dict | None = None


def _cursor(connection):
    """A cursor for a compiled statement: on PostgreSQL with prepared statements allowed
    (`prepare_threshold` in the database's OPTIONS), one that binds the parameters on the
    server, so that psycopg prepares the statement on the connection: PostgreSQL parses it
    once there and, after five runs, keeps a generic plan where that costs no more than
    planning each run (the client-side binding of Django's cursors sends each as new text,
    parsed and planned every time). Elsewhere Django's cursor."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    from django.db.backends.postgresql import base

    # What BaseDatabaseWrapper.cursor() and the backend's create_cursor() do, with the cursor
    # class of OPTIONS {"server_side_binding": True}, wrapped as Django wraps its own: query
    # logging and execute_wrapper()s (the tests' query counts) see these statements as any
    # other.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = base.ServerBindingCursor(connection.connection)
        loader = connection.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if connection.timezone != loader.timezone:
            base.register_tzloader(connection.timezone, cursor)
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log for a prepared statement: its SQL with the parameters in their
    places, as Django logs a query bound on the server (psycopg keeps no text of a prepared
    statement's run, which Django's log of client-bound queries reads)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


ITERABLES = (ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable)


class Statement:
    """`build(*args)` → a queryset (model rows, with select_related() and annotations if
    need be, `values()` or `values_list()`), compiled once per database.

    `samples` are two tuples of arguments whose values occur nowhere else in the query (odd
    negative ids, dates a century ago)."""

    def __init__(self, build: Callable[..., QuerySet], *samples: tuple):
        if len(samples) != 2 or len(set(samples)) != 2:
            raise ValueError("A Statement needs two different sample argument tuples.")
        self.build = build
        self.samples = samples
        self._compiled: dict[str, _Compiled | None] = {}

    def compiled(self, alias: str = DEFAULT_DB_ALIAS) -> _Compiled | None:
        key = f"{alias}:{connections[alias].vendor}"
        if key not in self._compiled:
            self._compiled[key] = self._compile(alias)
        return self._compiled[key]

    def _compile(self, alias: str) -> _Compiled | None:
        connection = connections[alias]
        compiled = []
        for sample in self.samples:
            queryset = self.build(*sample)
            iterable = queryset._iterable_class
            if iterable not in ITERABLES:
                return None
            if iterable is ModelIterable and (
                queryset._prefetch_related_lookups or queryset._known_related_objects
            ):
                return None
            compiler = queryset.query.get_compiler(alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                return None  # no row whatever the arguments: the ORM answers without a query
            compiled.append((queryset, compiler, sql, tuple(params)))
        (queryset, compiler, sql, params), (_q, _c, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params):
            return None
        first = [_adapt(connection, value) for value in self.samples[0]]
        second = [_adapt(connection, value) for value in self.samples[1]]
        slots = {}
        for place, (a, b) in enumerate(zip(params, other_params, strict=True)):
            if a == b:
                if a in first or a in second:
                    return None  # a sample's value is also a constant of the query
                continue
            indexes = [i for i, value in enumerate(first) if value == a and second[i] == b]
            if len(indexes) != 1:
                return None
            slots[place] = indexes[0]
        if set(slots.values()) != set(range(len(first))):
            return None  # an argument the SQL does not use: it may change its shape
        expressions = [column[0] for column in compiler.select[: compiler.col_count]]
        model = fields = names = span = related = annotations = None
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            if len(names) != len(expressions):
                return None
        if queryset._iterable_class is ModelIterable:
            # What ModelIterable works out from the compiler on every run, worked out once.
            klass_info, select = compiler.klass_info, compiler.select
            model, columns = klass_info["model"], klass_info["select_fields"]
            span = slice(columns[0], columns[-1] + 1)
            fields = [column[0].target.attname for column in select[span]]
            # Every column in the model's order, or those of only()/defer() with the key (the
            # others left deferred by from_db(), as the ORM leaves them).
            concrete = [field.attname for field in model._meta.concrete_fields]
            if model._meta.pk.attname not in fields or fields != [
                name for name in concrete if name in fields
            ]:
                return None
            related = get_related_populators(klass_info, select, alias)
            annotations = dict(compiler.annotation_col_map)
        return _Compiled(
            sql=sql,
            params=params,
            slots=slots,
            converters=compiler.get_converters(expressions),
            model=model,
            fields=fields,
            names=names,
            flat=queryset._iterable_class is FlatValuesListIterable,
            span=span,
            related=related,
            annotations=annotations,
        )

    def fetch(self, *args, alias: str = DEFAULT_DB_ALIAS) -> list:
        """What `list(build(*args))` returns: model instances, dicts, tuples or flat values."""
        compiled = self.compiled(alias)
        if compiled is None:
            return list(self.build(*args).using(alias))
        connection = connections[alias]
        adapted = [_adapt(connection, value) for value in args]
        params = [
            adapted[compiled.slots[place]] if place in compiled.slots else value
            for place, value in enumerate(compiled.params)
        ]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [self._convert(list(row), compiled.converters, connection) for row in rows]
        if compiled.model is not None:
            return [self._instance(row, compiled, alias) for row in rows]
        if compiled.names is not None:
            return [dict(zip(compiled.names, row, strict=True)) for row in rows]
        if compiled.flat:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]

    @staticmethod
    def _instance(row, compiled: _Compiled, alias: str):
        instance = compiled.model.from_db(alias, compiled.fields, row[compiled.span])
        for populator in compiled.related:
            populator.populate(row, instance)
        for name, place in compiled.annotations.items():
            setattr(instance, name, row[place])
        return instance

    @staticmethod
    def _convert(row: list, converters: dict, connection) -> list:
        for place, (functions, expression) in converters.items():
            value = row[place]
            for function in functions:
                value = function(value, expression, connection)
            row[place] = value
        return row


class StatementPerShape:
    """`build(*args)` compiled once per shape of its arguments that are lists of ids (which
    of them are empty), a `Statement` each: `build` leaves an empty list out of the SQL (as
    the ORM leaves out an empty `__in`), so PostgreSQL plans what it plans for the ORM's
    query (each `= ANY` adds to its planning time), and each list given is one argument. The
    first `plain` arguments are ids, given in every shape. With every list empty, the ORM's
    answer (no query, where `build` then selects nothing)."""

    def __init__(self, build: Callable[..., QuerySet], plain: int = 0):
        self.build = build
        self.plain = plain
        self._statements: dict[tuple, Statement] = {}

    def fetch(self, *args) -> list:
        plain, lists = args[: self.plain], args[self.plain :]
        shape = tuple(bool(ids) for ids in lists)
        if not any(shape):
            return list(self.build(*args))
        return self.statement(shape).fetch(*plain, *(ids for ids in lists if ids))

    def statement(self, shape: tuple[bool, ...]) -> Statement:
        """The statement of one shape (True where a list is given)."""
        if shape not in self._statements:
            self._statements[shape] = self._statement(shape)
        return self._statements[shape]

    def _statement(self, shape) -> Statement:
        def build(*given):
            plain, lists = given[: self.plain], iter(given[self.plain :])
            return self.build(*plain, *(next(lists) if held else () for held in shape))

        def sample(first, length):
            # Odd negative ids, which occur nowhere else: the plain arguments, then the lists.
            ids = iter(range(first, first - 1000, -2))
            plain = tuple(next(ids) for _i in range(self.plain))
            lists = (tuple(next(ids) for _i in range(length)) for held in shape if held)
            return (*plain, *lists)

        return Statement(build, sample(-7_300_431_001, 1), sample(-7_300_433_001, 2))
