"""The filling gate: allow or refuse filling a cylinder at a station, with every reason.

Gate checks are the one high-volume exception to the audit chain: the GateCheck row itself is the append-only
record (refusals included), so the station's reader does not queue on the chain's lock."""
import functools
import json
import re
from dataclasses import dataclass, fields
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gasguard.org.choices import Role
from gasguard.sites.choices import LicenceKind, SiteType
from gasguard.sites.models import Licence, Site
from gasguard.utilities import clock, hotsql
from gasguard.utilities.uuid7 import uuid7

from .. import codes
from ..choices import STOPPED, GateReason
from ..models import Cylinder, GateCheck, StationBlock
from ..scope import is_office
from ._common import _reason, _when

# Two reasons' details, worded once for both paths: gate_reasons() and the PostgreSQL statement.
DUE_BY = gettext_noop("应于 %(date)s 前检验")
ENDED_ON = gettext_noop("%(date)s 到期")


@dataclass
class GateFacts:
    """What the gate needs to know, read in one round trip (the station's reader is the hot path)."""
    station_id: int
    site_type: str
    enterprise_id: int | None
    filling_licence: int | None  # None: no filling licence; 0: none valid on the day; 1: a valid one
    block_reason: str | None
    cylinder_id: int | None
    owner_id: int | None = None
    status: str | None = None
    next_inspection_due: date | None = None
    service_life_ends: date | None = None


def _gate_sql(named=False) -> str:
    """The facts of a gate check in one statement. Portable (SQLite too), with %s placeholders in the order of
    _gate_sql_params(); `named`: PostgreSQL's version inside _gate_insert_sql(), with psycopg's named placeholders
    (%(day)s, %(lookup)s, %(station)s: each sent once however often it is used) and the licence kind inlined."""
    site, lic, block, cyl = (m._meta.db_table for m in (Site, Licence, StationBlock, Cylinder))
    kind = f"'{LicenceKind.FILLING.value}'" if named else "%s"
    day, lookup, station = ("%(day)s::date", "%(lookup)s::text", "%(station)s::bigint") if named else ("%s",) * 3
    # A filling licence counts when it is its enterprise's or a site's of its enterprise, the station included (as
    # _licences(): the licence may be registered on the company or on the site). Two lookups by indexed keys, not
    # one OR over the licence table (a scan of every licence of the district per check), in ONE aggregate: NULL when
    # there is no licence, 1 when one is valid on the day, else 0 (four counting sub-plans, one per question and
    # way of holding, cost the gate statement a fifth of its time in PostgreSQL). A station without an enterprise
    # is not a station (its licences are not looked at).
    by_company = f"SELECT l.revoked, l.valid_until FROM {lic} l WHERE l.kind = {kind} AND l.enterprise_id = s.enterprise_id"
    by_site = (f"SELECT l.revoked, l.valid_until FROM {lic} l JOIN {site} ls ON ls.id = l.site_id "
               f"WHERE l.kind = {kind} AND ls.enterprise_id = s.enterprise_id")
    valid = f"NOT l.revoked AND (l.valid_until IS NULL OR l.valid_until >= {day})"
    return (f"SELECT s.id, s.site_type, s.enterprise_id, "
            f"(SELECT MAX(CASE WHEN {valid} THEN 1 ELSE 0 END) FROM ({by_company} UNION ALL {by_site}) l), "
            f"(SELECT b.reason FROM {block} b WHERE b.station_id = s.id AND b.lifted_at IS NULL "
            f"ORDER BY b.blocked_at DESC LIMIT 1), "
            f"c.id, c.owner_id, c.status, c.next_inspection_due, c.service_life_ends "
            f"FROM {site} s LEFT JOIN {cyl} c ON c.code = {lookup} WHERE s.id = {station}")


def _gate_sql_params(day, code, station_id) -> list:
    """_gate_sql()'s parameters, in the order of its placeholders."""
    kind = str(LicenceKind.FILLING)
    return [day, kind, kind, code, station_id]


def gate_facts(code: str | None, station_id: int, day) -> GateFacts | None:
    """The station (None when there is no such site), its licences and block, and the cylinder of `code` (a valid
    code only: an invalid one is never looked up)."""
    from django.db import connection

    params = _gate_sql_params(connection.ops.adapt_datefield_value(day), code, station_id)
    row = hotsql.fetch(_gate_sql(), params, one=True)
    if row is None:
        return None
    facts = GateFacts(*row)
    # SQLite hands dates back as text.
    for name in ("next_inspection_due", "service_life_ends"):
        value = getattr(facts, name)
        if isinstance(value, str):
            setattr(facts, name, date.fromisoformat(value))
    return facts


def gate_reasons(code: str, station, day) -> tuple[GateFacts | None, list]:
    """Every reason to refuse filling the cylinder of `code` at `station` (a Site or its id) on `day` (empty:
    allowed). Returns the facts read (None: no such station) and the reasons."""
    reasons = []
    valid = codes.code_error(code) is None
    facts = gate_facts(code if valid else None, getattr(station, "pk", station), day)
    if facts is None:
        return None, [_reason(GateReason.NOT_A_STATION)]
    if not valid:
        reasons.append(_reason(GateReason.INVALID_CODE))
    elif facts.cylinder_id is None:
        reasons.append(_reason(GateReason.UNKNOWN_CODE, code))
    else:
        if facts.owner_id != facts.enterprise_id:
            reasons.append(_reason(GateReason.NOT_OWN))
        if facts.status in STOPPED:
            reasons.append(_reason(GateReason(STOPPED[facts.status])))
        if facts.next_inspection_due < day:
            due = f"{facts.next_inspection_due:%Y-%m-%d}"
            reasons.append(_reason(GateReason.INSPECTION_OVERDUE, _(DUE_BY) % {"date": due}))
        if facts.service_life_ends < day:
            ended = f"{facts.service_life_ends:%Y-%m-%d}"
            reasons.append(_reason(GateReason.SERVICE_LIFE_OVER, _(ENDED_ON) % {"date": ended}))
    if facts.site_type != SiteType.FILLING_STATION or not facts.enterprise_id:
        reasons.append(_reason(GateReason.NOT_A_STATION))
    else:
        licence = (GateReason.NO_FILLING_LICENCE if facts.filling_licence is None
                   else GateReason.FILLING_LICENCE_INVALID if not facts.filling_licence else None)
        if licence:
            reasons.append(_reason(licence))
    if facts.block_reason is not None:
        reasons.append(_reason(GateReason.STATION_BLOCKED, facts.block_reason))
    return facts, reasons


class NoSuchStation(Exception):
    pass


def gate_check(*, code, station, by, checked_at=None, client_id=None, offline=False) -> GateCheck:
    """Answer allow or refuse, with every reason, for filling the cylinder of `code` at `station` (a Site or its
    id); record the answer either way (repeated refusals at a station are a signal for inspectors).

    The hot path of a station's reader: one query reads the station, its licences and block and the cylinder; the
    GateCheck row is the only write (one statement, so no transaction is opened around it)."""
    checked_at = _when(checked_at, "checked_at")
    code = codes.normalise(code)
    from django.db import connection

    if connection.vendor == "postgresql":
        check = _gate_check_pg(code=code, station_id=getattr(station, "pk", station), by=by, checked_at=checked_at,
                               client_id=client_id or uuid7(), offline=offline)
        if check is not None:
            return check
        # No row: no such station, or one the user may not operate: the portable path below says which.
    facts, reasons = gate_reasons(code, station, timezone.localdate(checked_at))
    if facts is None:
        raise NoSuchStation(station)
    if not (is_office(by) or (facts.enterprise_id and by.is_authenticated and by.role == Role.ENTERPRISE
                              and by.enterprise_id == facts.enterprise_id)):
        raise PermissionDenied(_("只能在本企业的充装站操作"))
    return GateCheck.objects.create(
        client_id=client_id or uuid7(), code=code[:40], cylinder_id=facts.cylinder_id,
        station_id=facts.station_id, allowed=not reasons, reasons=[{"code": c, "message": str(m)} for c, m in reasons],
        reason_codes=",".join(c for c, _ in reasons)[:200], checked_at=checked_at,
        offline=offline, by=by)


@functools.cache
def _gate_insert_sql(language) -> str:
    """The gate check in ONE statement on PostgreSQL: the facts of _gate_sql(), the verdict and every reason (in
    the order and wording of gate_reasons()) computed in SQL, and the GateCheck row inserted from them. Nothing is
    inserted (no row returned) when the station does not exist or the user may not operate it.

    One statement per language (the active one: the cache's key): the reasons' labels are written into it as
    literals, translated once per worker, rather than sent with every call (half the parameters to encode).

    Durability: a refusal is committed as any write (flushed to disk before the reader gets its answer). An
    allowing check, made on its own (`relax`: not inside a caller's transaction, which would inherit the setting),
    is committed asynchronously (synchronous_commit off for this transaction only: set_config(..., true)); waiting
    for the disk was the largest single cost of a check. What that can lose: on a crash of the database server,
    the allowances of its last fraction of a second (PostgreSQL flushes them within 3 × wal_writer_delay, 0.6 s by
    default); never a filling and never a refusal. A filling must name an allowing check and is itself committed
    synchronously after it, and the log is written in order, so a filling on disk has its check on disk; a filling
    whose check was lost is refused (the operator scans the cylinder again) rather than recorded without one.
    CYLINDER_GATE_ALLOW_ASYNC_COMMIT = 0 makes every check wait."""
    gc = GateCheck._meta.db_table
    R = GateReason
    labels = {choice: str(choice.label) for choice in GateReason}

    def literal(text):
        return "'" + text.replace("'", "''").replace("%", "%%") + "'"  # % : psycopg's placeholders

    def dated(template, column):
        # The translated detail around its date, as gate_reasons() writes it.
        before, after = _(template).split("%(date)s")
        return f"{literal(before)} || to_char({column}, 'YYYY-MM-DD') || {literal(after)}"

    def reason(choice, detail_sql=None):
        # _reason(): the label, then "：detail" when there is one.
        message = literal(labels[choice]) if detail_sql is None else f"{literal(labels[choice] + '：')} || ({detail_sql})"
        return f"jsonb_build_object('code','{choice.value}','message',{message}::text)"

    stopped = " ".join(f"WHEN '{status}' THEN {reason(R(value))}" for status, value in STOPPED.items())
    # Named placeholders (psycopg sends each value once): day, lookup (the code when valid, else NULL: an invalid
    # code is never looked up), station, valid, code, office, enterprise, client_id,
    # checked_at, received_at, offline, by. The line breaks and indents go: psycopg keeps its parse of a statement
    # of up to 4,096 bytes (MAX_CACHED_STATEMENT_LENGTH) and splits a longer one again on every call.
    return re.sub(r"\n\s*", " ", f"""
WITH f ({", ".join(f.name for f in fields(GateFacts))}) AS MATERIALIZED ({_gate_sql(named=True)}),
v AS MATERIALIZED (
  SELECT f.*, array_remove(ARRAY[
    CASE WHEN NOT %(valid)s::boolean THEN {reason(R.INVALID_CODE)}
         WHEN f.cylinder_id IS NULL THEN {reason(R.UNKNOWN_CODE, "%(code)s::text")} END,
    CASE WHEN f.cylinder_id IS NOT NULL AND f.owner_id IS DISTINCT FROM f.enterprise_id THEN {reason(R.NOT_OWN)} END,
    CASE WHEN f.cylinder_id IS NOT NULL THEN CASE f.status {stopped} END END,
    CASE WHEN f.next_inspection_due < %(day)s::date
         THEN {reason(R.INSPECTION_OVERDUE, dated(DUE_BY, "f.next_inspection_due"))} END,
    CASE WHEN f.service_life_ends < %(day)s::date
         THEN {reason(R.SERVICE_LIFE_OVER, dated(ENDED_ON, "f.service_life_ends"))} END,
    CASE WHEN f.site_type <> '{SiteType.FILLING_STATION.value}' OR f.enterprise_id IS NULL THEN {reason(R.NOT_A_STATION)}
         WHEN f.filling_licence IS NULL THEN {reason(R.NO_FILLING_LICENCE)}
         WHEN f.filling_licence = 0 THEN {reason(R.FILLING_LICENCE_INVALID)} END,
    CASE WHEN f.block_reason = '' THEN {reason(R.STATION_BLOCKED)}
         WHEN f.block_reason IS NOT NULL THEN {reason(R.STATION_BLOCKED, "f.block_reason")} END
  ], NULL) AS rs FROM f
  WHERE %(office)s::boolean OR (f.enterprise_id IS NOT NULL AND f.enterprise_id = %(enterprise)s::bigint)
)
INSERT INTO {gc} (client_id, code, cylinder_id, station_id, allowed, reasons, reason_codes, checked_at, received_at,
                  offline, by_id)
SELECT %(client_id)s, left(%(code)s::text, 40), v.cylinder_id, v.station_id,
       cardinality(v.rs) = 0, to_jsonb(v.rs),
       left(array_to_string(ARRAY(SELECT r ->> 'code' FROM unnest(v.rs) r), ','), 200),
       %(checked_at)s, %(received_at)s, %(offline)s, %(by)s FROM v
RETURNING id, cylinder_id, allowed, reasons,
  CASE WHEN allowed AND %(relax)s::boolean THEN set_config('synchronous_commit', 'off', true) END""").strip()


# The row as the statement wrote it, in this order (Model.from_db: no keyword handling, no defaults to compute).
_GATE_CHECK_FIELDS = ["id", "client_id", "code", "cylinder_id", "station_id", "allowed", "reasons", "reason_codes",
                      "checked_at", "received_at", "offline", "by_id"]


def _gate_check_pg(*, code, station_id, by, checked_at, client_id, offline) -> GateCheck | None:
    """gate_check() in one round trip (a prepared statement); None when nothing was inserted."""
    # The district's day: its time zone (cached) named, not the request's active one looked up (asgiref) each call.
    day = timezone.localdate(checked_at, timezone.get_default_timezone())
    valid = codes.code_error(code) is None
    sql = _gate_insert_sql(translation.get_language())
    received_at = clock.now()
    enterprise = by.enterprise_id if by.is_authenticated and by.role == Role.ENTERPRISE else None
    params = {"day": day, "lookup": code if valid else None, "station": station_id, "valid": valid, "code": code,
              "office": is_office(by), "enterprise": enterprise, "client_id": client_id, "checked_at": checked_at,
              "received_at": received_at, "offline": offline, "by": by.pk,
              "relax": settings.CYLINDER_GATE_ALLOW_ASYNC_COMMIT and not transaction.get_connection().in_atomic_block}
    row = hotsql.fetch(sql, params, one=True)
    if row is None:
        return None
    pk, cylinder_id, allowed, reasons, _relaxed = row  # 'off' when this check's commit did not wait
    if isinstance(reasons, str):  # Django leaves jsonb undecoded (its JSONField decodes it)
        reasons = json.loads(reasons)
    check = GateCheck.from_db(DEFAULT_DB_ALIAS, _GATE_CHECK_FIELDS, [
        pk, client_id, code[:40], cylinder_id, station_id, allowed, reasons,
        ",".join(r["code"] for r in reasons)[:200], checked_at, received_at, offline, by.pk])
    check._state.fields_cache["by"] = by  # as GateCheck(by=by) would: no query to read it back
    return check
