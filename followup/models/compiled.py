"""Model rows with their joined relations and prefetched rows, read by statements compiled
once per process (issue 16). `responsibilities.statements.Statement` builds model instances
only for querysets without select_related(); these read the same columns as a values_list()
and build the instances as select_related() and prefetch_related() would."""

from dataclasses import dataclass
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS
from django.db.models.query import ModelIterable

from responsibilities.statements import Statement


@dataclass(frozen=True)
class _Node:
    """One model of a row: the root or a relation select_related() joins."""

    model: type
    attnames: list
    start: int
    pk: int  # the primary key's place among the model's columns
    parent: int | None  # the node it hangs from (its index), None for the root
    field: object = None  # the forward relation from the parent

    @property
    def end(self) -> int:
        return self.start + len(self.attnames)


class JoinedStatement:
    """`build(*args)` → a model queryset, perhaps with select_related() of named relations
    (no deferred fields, annotations or prefetches), compiled once as the Statement of its
    values_list() of every column select_related() reads. `fetch()` returns the instances
    the queryset returns, each joined relation cached on its parent (None where there is no
    related row), as select_related() leaves them."""

    def __init__(self, build, *samples):
        self.build = build
        self.statement = Statement(self._rows, *samples)

    @cached_property
    def plan(self) -> tuple[list[_Node], list[str]]:
        queryset = self.build(*self.statement.samples[0])
        query = queryset.query
        if (
            queryset._iterable_class is not ModelIterable
            or query.select_related is True
            or query.deferred_loading != (frozenset(), True)
            or query.annotation_select
            or queryset._prefetch_related_lookups
        ):
            raise ValueError("A JoinedStatement reads whole rows of named relations only.")
        nodes: list[_Node] = []
        names: list[str] = []

        def add(model, prefix, parent, field, related):
            attnames = [f.attname for f in model._meta.concrete_fields]
            pk = attnames.index(model._meta.pk.attname)
            nodes.append(_Node(model, attnames, len(names), pk, parent, field))
            names.extend(prefix + attname for attname in attnames)
            index = len(nodes) - 1
            for name, nested in related.items():
                relation = model._meta.get_field(name)
                add(relation.related_model, f"{prefix}{name}__", index, relation, nested)

        add(queryset.model, "", None, None, query.select_related or {})
        return nodes, names

    def _rows(self, *args):
        return self.build(*args).values_list(*self.plan[1])

    def fetch(self, *args, alias: str = DEFAULT_DB_ALIAS) -> list:
        nodes = self.plan[0]
        found = []
        for row in self.statement.fetch(*args, alias=alias):
            made: list = []
            for node in nodes:
                parent = made[node.parent] if node.parent is not None else None
                values = row[node.start : node.end]
                if node.parent is not None and parent is None:
                    instance = None  # under a missing relation: not joined
                elif values[node.pk] is None:
                    instance = None
                else:
                    instance = node.model.from_db(alias, node.attnames, values)
                if parent is not None:
                    node.field.set_cached_value(parent, instance)
                    if instance is not None and node.field.unique:
                        node.field.remote_field.set_cached_value(instance, parent)
                made.append(instance)
            found.append(made[0])
        return found


class CompiledPrefetch:
    """`Prefetch(lookup, queryset)` of one instance's rows (lookup "relation" or
    "through__relation", the last a reverse foreign key), compiled once: `fill(instance)`
    reads them and leaves them as prefetch_related() does, as the relation manager's
    queryset and with the instance they belong to cached on each."""

    def __init__(self, prefetch, model, *samples):
        *self.through, self.relation = prefetch.prefetch_through.split("__")
        for name in self.through:
            model = model._meta.get_field(name).related_model
        self.field = getattr(model, self.relation).field  # the rows' foreign key
        self.queryset = prefetch.queryset
        self.statement = JoinedStatement(self._rows, *samples)

    def _rows(self, owner_id):
        return self.queryset.filter(**{self.field.name: owner_id})

    def fill(self, instance, alias: str = DEFAULT_DB_ALIAS) -> None:
        owner = instance
        for name in self.through:
            owner = getattr(owner, name)
        rows = self.statement.fetch(owner.pk, alias=alias)
        for row in rows:
            self.field.set_cached_value(row, owner)
        queryset = getattr(owner, self.relation)._apply_rel_filters(self.queryset._chain())
        queryset._result_cache, queryset._prefetch_done = rows, True
        if not hasattr(owner, "_prefetched_objects_cache"):
            owner._prefetched_objects_cache = {}
        owner._prefetched_objects_cache[self.field.remote_field.cache_name] = queryset
