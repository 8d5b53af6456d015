"""A PostgreSQL connection of its own that LISTENs on a channel (outbox wake-ups, the token cache's invalidations):
Django's connection is per thread and inside transactions, where NOTIFY is not delivered until it ends."""
import psycopg
from django.db import connection


def listening_connection(channel: str):
    """A new autocommit psycopg connection to Django's default database, listening on `channel`."""
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    conn = psycopg.connect(**params, autocommit=True)
    conn.execute(f"LISTEN {channel}")
    return conn
