"""A query built and compiled once per process for each shape; each run puts its values in.

Building a queryset and compiling it cost a list page more than running the query (a page of
action points: 1.9 ms of ORM work for 0.8 ms in the database). A query whose SQL depends only
on a few choices (its shape: a tab, a status, a sort, a page) and otherwise on values (ids, a
day) is built once per shape with stand-ins for the values; the stand-ins are found among the
compiled parameters and each run puts the real values in their places. The rows come back as
the `values_list` would give them (the compiler selects the fields in the order asked), with
the ORM's converters applied.

Only for values taken as they are (ids, days, moments): a value the ORM transforms (a search text made
into a LIKE pattern) is no stand-in, and such a query is built by the ORM as before.
"""

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

MAX_SHAPES = 1024
_FIRST_NUMBER = -7_340_051
_FIRST_DAY = date(1901, 2, 3)
_FIRST_MOMENT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_FREE = object()  # a parameter of the query itself, not a stand-in


class StandInMissing(Exception):
    """A stand-in did not reach the compiled parameters as it was (the ORM transformed it)."""


def stand_ins(names: dict[str, type]) -> dict[str, object]:
    """A distinct value, unlike any real one, for each name: a negative number, or a day or a
    moment in 1901."""
    numbers = itertools.count(_FIRST_NUMBER, -1)
    days = itertools.count()
    seconds = itertools.count()
    made = {}
    for name, kind in names.items():
        if kind is int:
            made[name] = next(numbers)
        elif kind is datetime:
            made[name] = _FIRST_MOMENT + timedelta(seconds=next(seconds))
        elif kind is date:
            made[name] = _FIRST_DAY + timedelta(days=next(days))
        else:
            raise TypeError(f"no stand-in for {kind.__name__}")
    return made


def _prepared(value, connection):
    """The value as the ORM sends it (a moment or a day in the backend's form)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def column_converters(field, alias: str, connection) -> tuple:
    """(column, converters) of a model field read under `alias` in hand-written SQL: what the
    ORM applies to the value the database gives (the backend's, then the field's)."""
    column = field.get_col(alias)
    return column, tuple(
        connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    )


def converted(value, column, converters: tuple, connection):
    for converter in converters:
        value = converter(value, column, connection)
    return value


class CompiledQuery:
    """The SQL of a queryset built with stand-ins, and what reads its rows: values (`rows`, for a
    `values_list` queryset) or model instances (`instances`, for a queryset of models, with its
    `select_related` objects and annotations, as the ORM makes them)."""

    def __init__(self, queryset: QuerySet, stood_in: dict[str, object]):
        if queryset._iterable_class not in (ValuesListIterable, ModelIterable):
            raise TypeError("a values_list queryset or one of model instances")
        if queryset._known_related_objects:
            raise TypeError("a queryset of a related manager")
        self.alias = queryset.db
        connection = connections[self.alias]
        query = queryset.query
        compiler = query.get_compiler(using=self.alias)
        self.sql, params = compiler.as_sql()
        places = {_prepared(value, connection): name for name, value in stood_in.items()}
        self.slots = tuple(places.get(param, _FREE) for param in params)
        self.params = tuple(params)
        missing = set(stood_in) - set(self.slots)
        if missing:
            raise StandInMissing(", ".join(sorted(missing)))
        self.compiler = compiler
        columns = [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(columns)
        self.width = compiler.col_count  # beyond it, columns the ORM adds for itself
        self.models = queryset._iterable_class is ModelIterable
        if self.models:  # as ModelIterable makes them
            klass_info = compiler.klass_info
            self.model = klass_info["model"]
            first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.own_columns = slice(first, last)
            self.attnames = [
                column[0].target.attname for column in compiler.select[self.own_columns]
            ]
            self.related = get_related_populators(klass_info, compiler.select, self.alias)
            self.annotations = tuple(compiler.annotation_col_map.items())

    def instances(self, values: dict[str, object]) -> list:
        made = []
        for row in self.rows(values):
            instance = self.model.from_db(self.alias, self.attnames, row[self.own_columns])
            for populator in self.related:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            made.append(instance)
        return made

    def rows(self, values: dict[str, object]) -> list[tuple]:
        connection = connections[self.alias]
        params = [
            param if slot is _FREE else _prepared(values[slot], connection)
            for slot, param in zip(self.slots, self.params, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = [row[: self.width] for row in cursor.fetchall()]
        if self.converters:
            found = self.compiler.apply_converters(found, self.converters)
        return [tuple(row) for row in found]


class CompiledQueries:
    """Compiled queries by shape (and database vendor), the least recently used dropped first."""

    def __init__(self, size: int = MAX_SHAPES):
        self.size = size
        self.kept: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(
        self,
        shape: Hashable,
        build: Callable[[dict[str, object]], QuerySet],
        kinds: dict[str, type],
    ) -> CompiledQuery | None:
        """The compiled query of `shape`, built by `build(stand_ins)` the first time; None
        (kept as well) where a stand-in did not reach the parameters as it was, or where the query
        can find nothing (the ORM reads such a list without asking the database)."""
        key = (connections["default"].vendor, shape)
        with self.lock:
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key]
        stood_in = stand_ins(kinds)
        try:
            compiled = CompiledQuery(build(stood_in), stood_in)
        except (StandInMissing, EmptyResultSet):  # EmptyResultSet: a query that can find nothing
            compiled = None
        with self.lock:
            self.kept[key] = compiled
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return compiled
