"""The hot paths' few hand-written statements (the gate check, its facts, the trace), run the same way everywhere.

On PostgreSQL each runs as a server-side prepared statement through psycopg on Django's connection: planning them
cost more than running them, and Django's own cursor never prepares (settings.py: prepare_threshold). The psycopg
cursor is kept per database connection (a new one per call cost as much as encoding the parameters). Database errors
come out as Django's (a repeated client id is Django's IntegrityError, as from the ORM), a dropped kept connection is
replaced as for the ORM (CONN_HEALTH_CHECKS), and each statement is counted and shown like any query (tests, DEBUG).
Elsewhere (SQLite) they run on Django's cursor."""
import time

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

# Each statement's text encoded once: psycopg encodes a str on every call, then hashes that new copy (a few KB) to
# find its cached parse. The statements come from a few cached builders, so this stays small; the bound is a guard.
_encoded: dict[str, bytes] = {}


def fetch(sql, params, *, one=False):
    """The rows of `sql` (a list of tuples), or with `one` its first row (None when there is none)."""
    connection = connections[DEFAULT_DB_ALIAS]  # once: each use of django.db.connection is a thread-local lookup
    if connection.vendor != "postgresql":
        with connection.cursor() as c:
            c.execute(sql, params)
            return c.fetchone() if one else c.fetchall()
    # Django's cursor() checks a kept connection before its first use in a request (CONN_HEALTH_CHECKS); this path
    # skips cursor(), so it asks for the same check: after a database restart the statement gets a new connection.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    c = getattr(connection, "_hot_cursor", None)
    if c is None or c.closed or c.connection is not connection.connection:
        c = connection._hot_cursor = psycopg.Cursor(connection.connection)
    query = _encoded.get(sql)
    if query is None:
        if len(_encoded) >= 256:
            _encoded.clear()
        query = _encoded[sql] = sql.encode()  # Django's connections speak UTF-8
    started = time.monotonic()
    with connection.wrap_database_errors:
        c.execute(query, params, prepare=True)
        rows = c.fetchone() if one else c.fetchall()
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows
