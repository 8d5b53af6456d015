"""The ledger's roll-up (HazardTally): what each hazard adds to it, how a change is applied, and how the whole table
is rebuilt from the ledger.

A hazard adds one to `found` in the row of its found month, one to `closed` in the row of its closing month while
it is closed, and one to `due` in the row of its deadline month while it is open (so the open and overdue figures
need no scan of the ledger). The services apply the difference between a hazard's contributions before and after
each step, in the step's own transaction: the roll-up commits or rolls back with the hazard."""
from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, DateField
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .choices import OPEN_STATES, State
from .models import Hazard, HazardTally

FOUND, CLOSED, DUE = 0, 1, 2


def month_of(value) -> date:
    """The first day of the (local) month of a date or an aware datetime."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.replace(day=1)


def contributions(hazard: Hazard) -> dict:
    """{(month, jurisdiction_id, lead_unit_id, severity): [found, closed, due]} for one hazard as it stands."""
    out = defaultdict(lambda: [0, 0, 0])
    base = (hazard.jurisdiction_id, hazard.lead_unit_id, hazard.severity)
    out[(month_of(hazard.found_at), *base)][FOUND] += 1
    if hazard.state == State.CLOSED:
        out[(month_of(hazard.closed_at or hazard.found_at), *base)][CLOSED] += 1
    elif hazard.state in OPEN_STATES:
        out[(month_of(hazard.deadline), *base)][DUE] += 1
    return out


def apply(before: dict, after: dict) -> None:
    """Add `after` minus `before` to the roll-up. Keys are written in sorted order, so two transactions touching
    the same rows lock them in the same order and cannot deadlock."""
    delta = defaultdict(lambda: [0, 0, 0])
    for sign, contrib in ((-1, before), (1, after)):
        for key, values in contrib.items():
            for i, v in enumerate(values):
                delta[key][i] += sign * v
    rows = [(key, d) for key, d in sorted(delta.items()) if any(d)]
    if not rows:
        return
    table = connection.ops.quote_name(HazardTally._meta.db_table)
    # INSERT … ON CONFLICT … DO UPDATE: the same statement on SQLite (≥ 3.24) and PostgreSQL.
    sql = (f"INSERT INTO {table} (month, jurisdiction_id, lead_unit_id, severity, found, closed, due) "
           f"VALUES (%s, %s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT (month, jurisdiction_id, lead_unit_id, severity) DO UPDATE SET "
           f"found = {table}.found + excluded.found, closed = {table}.closed + excluded.closed, "
           f"due = {table}.due + excluded.due")
    with connection.cursor() as cursor:
        for (month, jurisdiction_id, lead_unit_id, severity), (found, closed, due) in rows:
            cursor.execute(sql, [month, jurisdiction_id, lead_unit_id, severity, found, closed, due])


def ledger_contributions(hazards=None) -> dict:
    """The roll-up computed straight from the ledger (three grouped queries): what rebuild() writes and what the
    tests compare the maintained table with."""
    hazards = Hazard.objects.all() if hazards is None else hazards
    key = ("m", "jurisdiction_id", "lead_unit_id", "severity")
    out = defaultdict(lambda: [0, 0, 0])
    for column, qs, month in (
        (FOUND, hazards, TruncMonth("found_at", output_field=DateField())),
        (CLOSED, hazards.filter(state=State.CLOSED),
         TruncMonth(Coalesce("closed_at", "found_at"), output_field=DateField())),
        (DUE, hazards.filter(state__in=OPEN_STATES), TruncMonth("deadline", output_field=DateField())),
    ):
        rows = qs.order_by().annotate(m=month).values(*key).annotate(n=Count("id")).values_list(*key, "n")
        for m, j, u, s, n in rows:
            out[(m, j, u, s)][column] += n
    return dict(out)


def table_contributions() -> dict:
    """The maintained roll-up, without its all-zero rows."""
    return {(m, j, u, s): [f, c, d] for m, j, u, s, f, c, d in HazardTally.objects.values_list(
        "month", "jurisdiction_id", "lead_unit_id", "severity", "found", "closed", "due") if f or c or d}


@transaction.atomic
def rebuild() -> int:
    """Replace the roll-up by one computed from the ledger (after a bulk load, or to repair it). On PostgreSQL the
    ledger is locked against changes (reads go on) for the few seconds this takes. Returns the number of rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Hazard._meta.db_table)} IN SHARE MODE")
    rows = ledger_contributions()
    HazardTally.objects.all().delete()
    HazardTally.objects.bulk_create(
        (HazardTally(month=m, jurisdiction_id=j, lead_unit_id=u, severity=s, found=f, closed=c, due=d)
         for (m, j, u, s), (f, c, d) in rows.items()), batch_size=2000)
    return len(rows)
