"""The request runtime of /graphql: how a query's answer is read and written.

A request gets a :class:`~resolvers.runtime.context.Context` holding one read connection
(``reads``: every statement of the request takes its turn on it, through SQLAlchemy) and its
dataloaders (``loaders``: one batch per field and level, rows returned as light Core views of a
model, ``rows``). A type's fields that need only their parent are declared, where the type
declares them, as *links* (a loader and the parent's key) or *derived* values (``fields``: the
registries of ``prefetch`` are filled from the built schema); a list or a lookup
(``resolvers.pagination``) reads the columns its selection needs (``selection``, a type's
``ColumnMap``) and calls ``prefetch`` so that every link below it is loaded before anything is
written. The executor (``execution``: graphql-core's, with Strawberry's context) then writes such
objects whole, with a plain loop over steps compiled once per document (``writers``, kept in an
``lru.LRU``), and hands anything else (resolvers with arguments, permissions, a value still to be
loaded) to graphql-core field by field; the internals of both libraries it leans on are named in
``hooks``.
"""
