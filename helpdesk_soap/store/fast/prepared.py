"""The repositories' statements, run on the driver's cursor with SQLAlchemy's own SQL and types.

SQLAlchemy's Core ``Connection.execute`` costs about 50 µs a statement beyond the
driver's own work: it builds an execution context, a cursor result and its metadata
for every statement. The login's query of a poll takes the driver 6 µs on SQLite and
SQLAlchemy 60; a poll runs two such queries, a CreateCall five statements. Here a
statement is compiled once per dialect (and, for an INSERT, per set of columns given),
by SQLAlchemy, and then run on the cursor of the connection that SQLAlchemy
holds for the unit of work, in its transaction. Values go in through the bind
processors and come out through the result processors of the statement's own types
(the UTC date-times of models/base.py, SQLite's dates as text), as SQLAlchemy does it.

SQLAlchemy is still used in full where this would change anything:

* a statement it cannot run as one fixed string (expanding IN lists, values rendered
  into the SQL at execution), or an INSERT or UPDATE whose execution computes values
  (Python-side column defaults), or an executemany to which SQLAlchemy would add a
  RETURNING (a single INSERT's implicit RETURNING of its key runs, unread);
* a connection or engine with statement listeners (tests count statements that way),
  or outside a transaction;
* errors: a driver's error goes through SQLAlchemy's handling (its exception classes,
  and a connection it finds broken is invalidated), as if SQLAlchemy had run it.

Rows come back as plain tuples: read them by position or by unpacking. A list of
parameter sets runs as the driver's executemany.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.sql import Insert, Select, Update


class Rows(list):
    """A statement's rows, with the Result methods the repositories use."""

    #: Rows the statement changed, as the driver reports it.
    rowcount = -1

    def first(self):
        return self[0] if self else None

    def one_or_none(self):
        if len(self) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self[0] if self else None

    def scalar_one(self):
        if len(self) != 1:
            raise NoResultFound("No row was found when one was required") if not self else \
                MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self[0][0]

    def all(self):
        return self


class _Unsupported(Exception):
    pass


class _Prepared:
    """One statement compiled for one dialect, as Connection.execute compiles it for these
    parameter names: its SQL, how to bind its parameters, and how to read its columns."""

    __slots__ = ("sql", "binds", "named", "types", "processors")

    def __init__(self, statement, dialect, keys: tuple[str, ...], many: bool):
        compiled = statement.compile(dialect=dialect, column_keys=sorted(keys), for_executemany=many)
        if compiled.literal_execute_params or compiled.post_compile_params or any(
                bind.expanding for bind in compiled.binds.values()):
            raise _Unsupported(statement)
        if compiled.insert_prefetch or compiled.update_prefetch or (many and compiled.implicit_returning):
            raise _Unsupported(statement)
        self.sql = compiled.string
        processors = compiled._bind_processors
        escaped = compiled.escaped_bind_names or {}
        order = compiled.positiontup if compiled.positional else list(compiled.bind_names.values())
        binds = []
        for name in order:
            bind = compiled.binds[name]
            if bind.callable is not None:
                raise _Unsupported(statement)
            # (name as the caller passes it, as the SQL has it, fixed value, processor)
            binds.append((bind.key if bind.required else None, escaped.get(name, name),
                          bind.effective_value, processors.get(name)))
        self.binds = tuple(binds)
        self.named = not compiled.positional
        self.types = [entry[3] for entry in compiled._result_columns]
        self.processors: tuple | None = None  # from the first cursor's description

    def arguments(self, params: dict[str, Any]):
        values = []
        for key, _, fixed, processor in self.binds:
            value = params[key] if key is not None else fixed
            values.append(processor(value) if processor is not None else value)
        if self.named:
            return {sql_name: value for (_, sql_name, _, _), value in zip(self.binds, values)}
        return tuple(values)

    def learn(self, dialect, description) -> tuple:
        """The result processors, by column, for the DBAPI types the driver reports."""
        found = []
        for index, (type_, column) in enumerate(zip(self.types, description)):
            processor = type_._cached_result_processor(dialect, column[1])
            if processor is not None:
                found.append((index, processor))
        self.processors = tuple(found)
        return self.processors


#: Prepared statements by (statement, dialect, parameter names, executemany); None where
#: SQLAlchemy runs it. The statements are the repositories' module-level ones: a fixed, small set.
_PREPARED: dict[tuple[Any, Any, tuple[str, ...], bool], _Prepared | None] = {}
_KINDS = (Select, Insert, Update)


def _listened(connection: Connection) -> bool:
    """True if someone listens for this connection's statements. The flags only say that
    a listener was once added (SQLAlchemy never clears them); the lists say who is left."""
    if not (connection._has_events or connection.engine._has_events):
        return False
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


#: ``Connection.info`` key (it lives as long as the driver's connection): its kept cursor.
_CURSOR = "helpdesk_cursor"


def _cursor(connection: Connection):
    """A cursor of the driver's connection, and whether it is kept. psycopg's is kept with
    its connection and used again: a new one builds its adaptation state anew, ~10 µs of
    CPU a statement (it holds its last result until the next statement: one per
    connection). SQLite's cost little to make, and are closed after each statement, so
    that none keeps a statement open (and a read snapshot with it)."""
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        return driver.cursor(), False
    info = connection.info
    kept = info.get(_CURSOR)
    if kept is None or kept[0] is not driver or kept[1].closed:  # SQLAlchemy closes it on an error
        kept = info[_CURSOR] = (driver, driver.cursor())
    return kept[1], True


def execute(connection: Connection, statement, params: dict[str, Any] | list[dict[str, Any]]):
    """Run ``statement`` with ``params`` (a list: executemany) on ``connection``, on the
    driver's cursor (it returns Rows), or, in the cases above, through SQLAlchemy."""
    many = isinstance(params, list)
    if (not isinstance(statement, _KINDS) or _listened(connection) or not connection.in_transaction()
            or (many and not params)):
        return connection.execute(statement, params)
    if many and len(params) == 1:  # as SQLAlchemy runs one parameter set
        params, many = params[0], False
    dialect = connection.dialect
    keys = tuple(params[0] if many else params)
    key = (statement, dialect, keys, many)
    try:
        prepared = _PREPARED[key]
    except KeyError:
        try:
            prepared = _Prepared(statement, dialect, keys, many)
        except _Unsupported:
            prepared = None
        _PREPARED[key] = prepared
    if prepared is None:
        return connection.execute(statement, params)
    arguments = [prepared.arguments(p) for p in params] if many else prepared.arguments(params)
    cursor = kept = None
    try:
        cursor, kept = _cursor(connection)
        if many:
            cursor.executemany(prepared.sql, arguments)
        else:
            cursor.execute(prepared.sql, arguments)
        # Whether rows come back is the statement's to say: psycopg builds its description
        # anew, a column object per column, each time it is asked (~1 µs a column).
        rows = cursor.fetchall() if prepared.types else []
        rowcount = cursor.rowcount
        processors = prepared.processors
        if processors is None and prepared.types:
            processors = prepared.learn(dialect, cursor.description)
    except Exception as exc:
        connection._handle_dbapi_exception(exc, prepared.sql, arguments, cursor, None)
    finally:
        if cursor is not None and not kept:
            cursor.close()
    if processors and rows:
        converted = []
        for row in rows:
            values = list(row)
            for index, processor in processors:
                values[index] = processor(values[index])
            converted.append(tuple(values))
        rows = converted
    result = Rows(rows)
    result.rowcount = rowcount
    return result
