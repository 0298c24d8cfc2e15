"""Prefetched rows read by statements compiled once per process (issue 16): what
prefetch_related() leaves on one instance, without building and compiling its queries on
every request."""

from django.db import DEFAULT_DB_ALIAS

from responsibilities.statements import Statement


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
        self.statement = Statement(self._rows, *samples)

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
