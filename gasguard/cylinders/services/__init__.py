"""The verbs of the cylinder chain. Each checks who may do it, validates, writes its rows and the audit record in one
transaction. Nothing else writes these tables.

Gate checks are the one high-volume exception to the audit chain: the GateCheck row itself is the append-only
record (refusals included), so the station's reader does not queue on the chain's lock."""
import functools
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.catalog.models import plain
from gasguard.hazards import services as hazard_services
from gasguard.hazards.choices import Source
from gasguard.hazards.models import Hazard
from gasguard.org.choices import Role
from gasguard.org.models import Department
from gasguard.sites.choices import GAS_USING_TYPES, Fuel, LicenceKind, SiteType
from gasguard.sites.models import Licence, Site
from gasguard.utilities import clock, hotsql, pii, uploads
from gasguard.utilities.credit_code import credit_code_error, id_number_error
from gasguard.utilities.uuid7 import uuid7

from .. import codes
from ..checklist import BY_KEY, points_for
from ..choices import (
    BANNED_IN_CATERING,
    CATERING_SITE_TYPES,
    FIFTY_KG_MIN_FILL,
    FIFTY_KG_MODELS,
    NOMINAL_FILL_KG,
    POST_FILL_CHECKS,
    PRE_FILL_CHECKS,
    STOPPED,
    CateringBan,
    CustomerKind,
    CylinderModel,
    GateReason,
    SaleReason,
    Status,
    WorkerRole,
)
from ..models import (
    CodeCounter,
    Customer,
    Cylinder,
    CylinderReturn,
    Delivery,
    Filling,
    GateCheck,
    PeriodicInspection,
    Sale,
    SaleItem,
    StationBlock,
    StatusChange,
    Worker,
)
from ..scope import acts_for, area_path, customer_q, is_inspection_agency, is_office, is_regulator


def setting(name, default):
    return getattr(settings, name, default)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Refused(ValidationError):
    """A refusal with every reason, each as (code, message): the gate's and the sale's answer."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__({"reasons": [ValidationError(str(m), code=c) for c, m in self.reasons]})

    @property
    def codes(self):
        return [c for c, _ in self.reasons]

    def as_list(self):
        return [{"code": c, "message": str(m)} for c, m in self.reasons]


def _reason(choice, detail=""):
    return (choice.value, f"{choice.label}{'：' + detail if detail else ''}")


def _when(value, field):
    """An aware datetime from a datetime or an ISO string; not in the future (a device clock may run 5 min fast)."""
    if value is None:
        return clock.now()
    if not isinstance(value, datetime):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but no such day or hour
            parsed = None
        if parsed is None:
            raise ValidationError({field: f"时间“{value}”格式不正确（应为ISO 8601）"})
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > clock.now() + timedelta(minutes=5):
        raise ValidationError({field: "时间不能晚于现在"})
    return value


# --- licences and stations -------------------------------------------------------------------------------------

def _licences(kind, *, enterprise=None, site=None):
    q = Q()
    if enterprise is not None:
        q |= Q(enterprise=enterprise) | Q(site__enterprise=enterprise)
    if site is not None:
        q |= Q(site=site)
    return list(Licence.objects.filter(q, kind=kind))


def _licence_problem(licences, day, missing, invalid):
    if not licences:
        return missing
    if not any(lic.is_valid_on(day) for lic in licences):
        return invalid
    return None


def active_block(station):
    return StationBlock.objects.filter(station=station, lifted_at__isnull=True).first()


def _check_station(station):
    if station.site_type != SiteType.FILLING_STATION or not station.enterprise_id:
        raise ValidationError({"station": "该对象不是已登记的液化石油气充装站（须有所属企业）"})


@transaction.atomic
def block_station(station, *, reason, by) -> StationBlock:
    """The regulator stops a station's filling: every gate check there is refused until the block is lifted."""
    if not is_regulator(by):
        raise PermissionDenied("只有专班办公室和成员单位可以锁定充装站")
    _check_station(station)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明锁定原因"})
    block = active_block(station) or StationBlock.objects.create(station=station, reason=reason.strip(),
                                                                 blocked_by=by)
    audit.record("cylinders.station.block", block, actor=by, after=audit.snapshot(block))
    return block


@transaction.atomic
def lift_block(station, *, by) -> StationBlock | None:
    if not is_regulator(by):
        raise PermissionDenied("只有专班办公室和成员单位可以解除锁定")
    block = active_block(station)
    if block is not None:
        before = audit.snapshot(block)
        block.lifted_at, block.lifted_by = clock.now(), by
        block.save()
        audit.record("cylinders.station.unblock", block, actor=by, before=before, after=audit.snapshot(block))
    return block


# --- registry ---------------------------------------------------------------------------------------------------

def _issue_code() -> str:
    counter = CodeCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:
        CodeCounter.objects.get_or_create(pk=1)
        counter = CodeCounter.objects.select_for_update().get(pk=1)
    while True:
        counter.last += 1
        code = codes.issue(counter.last)
        if not Cylinder.objects.filter(code=code).exists():
            counter.save(update_fields=["last"])
            return code


def _positive(value, *, limit=None) -> Decimal | None:
    """A finite number above zero (and at most `limit`), or None: a weight or a measure is never negative, NaN or
    infinite."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite() or number <= 0 or (limit is not None and number > limit):
        return None
    return number


@transaction.atomic
def register_cylinder(*, owner, maker, maker_serial, manufactured_on, model, by, code=None, nominal_fill_kg=None,
                      last_inspected_on=None) -> Cylinder:
    """Register one cylinder to its one owner, a licensed filling enterprise. A code given (a label already on the
    cylinder) must carry its check character; without one the platform issues the next. A code, or a cylinder
    (maker + serial), already registered is refused, whoever the owner: one cylinder, one code, one owner."""
    if not acts_for(by, owner):
        raise PermissionDenied("只能为本企业登记气瓶")
    errors = {}
    today = clock.today()
    if code:
        code = codes.normalise(code)
        problem = codes.code_error(code)
        if problem:
            errors["code"] = problem
        else:
            taken = Cylinder.objects.select_related("owner").filter(code=code).first()
            if taken:
                errors["code"] = f"编码 {code} 已登记给“{taken.owner}”，一个编码只能登记一个产权单位（一瓶一码）"
    maker, maker_serial = (maker or "").strip(), (maker_serial or "").strip()
    if not maker or not maker_serial:
        errors["maker_serial"] = "请填写制造单位和出厂编号"
    else:
        twin = Cylinder.objects.select_related("owner").filter(maker=maker, maker_serial=maker_serial).first()
        if twin:
            errors["maker_serial"] = (f"该气瓶（{maker} {maker_serial}）已登记，编码 {twin.code}，产权单位“{twin.owner}”，"
                                      "不得重复登记")
    if model not in CylinderModel.values:
        errors["model"] = f"型号“{model}”不是GB 5842规定的型号"
    if nominal_fill_kg not in (None, "") and _positive(nominal_fill_kg, limit=Decimal("99999.9")) is None:
        errors["nominal_fill_kg"] = _("公称充装量“%(value)s”须为大于0的数（kg）") % {"value": nominal_fill_kg}
    if not isinstance(manufactured_on, date) or manufactured_on > today:
        errors["manufactured_on"] = "制造日期须为不晚于今天的日期"
    if _licence_problem(_licences(LicenceKind.FILLING, enterprise=owner), today, True, True):
        errors["owner"] = f"“{owner}”没有有效的气瓶充装许可证，不能作为气瓶产权单位登记"
    if errors:
        raise ValidationError(errors)
    life_ends = add_years(manufactured_on, setting("CYLINDER_SERVICE_LIFE_YEARS", 8))
    if life_ends < today:
        raise ValidationError({"manufactured_on": f"该气瓶已于 {life_ends:%Y-%m-%d} 超过设计使用年限，应予报废，不得登记投用"})
    period = setting("CYLINDER_INSPECTION_PERIOD_YEARS", 4)
    cylinder = Cylinder.objects.create(
        code=code or _issue_code(), maker=maker, maker_serial=maker_serial, manufactured_on=manufactured_on,
        model=model, nominal_fill_kg=_positive(nominal_fill_kg) or NOMINAL_FILL_KG[model],
        owner=owner, last_inspected_on=last_inspected_on,
        next_inspection_due=add_years(last_inspected_on or manufactured_on, period), service_life_ends=life_ends,
        registered_by=by)
    audit.record("cylinders.register", cylinder, actor=by, after=audit.snapshot(cylinder))
    return cylinder


def find(code: str) -> Cylinder:
    """The cylinder of a code; a code with a wrong check character is refused before any lookup."""
    code = codes.normalise(code)
    problem = codes.code_error(code)
    if problem:
        raise ValidationError({"code": problem})
    try:
        return Cylinder.objects.select_related("owner").get(code=code)
    except Cylinder.DoesNotExist:
        raise ValidationError({"code": f"编码 {code} 未登记"})


@transaction.atomic
def change_status(cylinder, *, to_status, reason, by) -> Cylinder:
    """Scrap (the owner or a regulator; final: the code is retired and never issued again), seize or black-list
    (regulators), or put a seized or black-listed cylinder back in service (regulators)."""
    cylinder = Cylinder.objects.select_for_update().get(pk=cylinder.pk)
    if to_status not in (Status.SCRAPPED, Status.SEIZED, Status.BLACKLISTED, Status.IN_SERVICE):
        raise ValidationError({"status": "不能直接设为该状态"})
    if to_status == Status.SCRAPPED:
        if not (is_regulator(by) or acts_for(by, cylinder.owner)):
            raise PermissionDenied("只有产权单位或监管部门可以报废气瓶")
    elif not is_regulator(by):
        raise PermissionDenied("只有专班办公室和成员单位可以扣押、列入黑名单或解除")
    return _set_status(cylinder, to_status=to_status, reason=reason, by=by)


def _set_status(cylinder, *, to_status, reason, by) -> Cylinder:
    # The checks of a status change once the caller's right to make it is settled (by change_status, or by a failed
    # periodic inspection, which scraps the cylinder on the agency's word).
    if cylinder.status == Status.SCRAPPED:
        raise ValidationError({"status": "气瓶已报废，编码已注销，不能再变更"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明原因"})
    before = audit.snapshot(cylinder)
    change = StatusChange.objects.create(cylinder=cylinder, from_status=cylinder.status, to_status=to_status,
                                         reason=reason.strip(), by=by)
    cylinder.status = to_status
    if to_status == Status.SCRAPPED:
        cylinder.retired_at = change.at
    cylinder.save()
    audit.record(f"cylinders.status.{to_status}", cylinder, actor=by, before=before,
                 after=audit.snapshot(cylinder), extra={"reason": change.reason})
    return cylinder


@transaction.atomic
def record_periodic_inspection(cylinder, *, inspected_on, passed, by, report_number="",
                               extend_life=False) -> PeriodicInspection:
    """A periodic inspection, recorded by the inspection agency's own account (its name is the agency): passed sets
    the next date one period on (and, when asked, extends the service life to its maximum, which only a passed
    inspection may do); failed scraps the cylinder."""
    if not is_inspection_agency(by):
        raise PermissionDenied(_("定期检验只能由检验机构的账号登记"))
    agency = by.enterprise.name
    cylinder = Cylinder.objects.select_for_update().get(pk=cylinder.pk)
    if cylinder.status == Status.SCRAPPED:
        raise ValidationError({"cylinder": "气瓶已报废"})
    if inspected_on > clock.today():
        raise ValidationError({"inspected_on": "检验日期不能晚于今天"})
    if extend_life and not passed:
        raise ValidationError({"extend_life": "只有定期检验合格的气瓶才能延长使用年限"})
    max_end = add_years(cylinder.manufactured_on, setting("CYLINDER_MAX_SERVICE_LIFE_YEARS", 12))
    if extend_life and inspected_on > max_end:
        raise ValidationError({"extend_life": "已超过最长使用年限，不能延长"})
    before = audit.snapshot(cylinder)
    row = PeriodicInspection.objects.create(cylinder=cylinder, inspected_on=inspected_on, passed=passed,
                                            agency=agency, report_number=report_number, extended_life=extend_life,
                                            by=by)
    if passed:
        cylinder.last_inspected_on = inspected_on
        cylinder.next_inspection_due = add_years(inspected_on, setting("CYLINDER_INSPECTION_PERIOD_YEARS", 4))
        if extend_life:
            cylinder.service_life_ends, cylinder.life_extended = max_end, True
        cylinder.save()
    audit.record("cylinders.periodic_inspection", cylinder, actor=by, before=before,
                 after=audit.snapshot(cylinder), extra={"inspection": audit.snapshot(row)})
    if not passed:
        _set_status(cylinder, to_status=Status.SCRAPPED, reason=f"定期检验不合格（{agency} {report_number}）".strip(),
                      by=by)
    return row


# --- the filling gate -------------------------------------------------------------------------------------------

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
            reasons.append(_reason(GateReason.INSPECTION_OVERDUE, f"应于 {facts.next_inspection_due:%Y-%m-%d} 前检验"))
        if facts.service_life_ends < day:
            reasons.append(_reason(GateReason.SERVICE_LIFE_OVER, f"{facts.service_life_ends:%Y-%m-%d} 到期"))
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


def _may_operate(by, station):
    if not (is_office(by) or (station.enterprise_id and acts_for(by, station.enterprise))):
        raise PermissionDenied("只能在本企业的充装站操作")


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
        raise PermissionDenied("只能在本企业的充装站操作")
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
         THEN {reason(R.INSPECTION_OVERDUE, "'应于 ' || to_char(f.next_inspection_due, 'YYYY-MM-DD') || ' 前检验'")} END,
    CASE WHEN f.service_life_ends < %(day)s::date
         THEN {reason(R.SERVICE_LIFE_OVER, "to_char(f.service_life_ends, 'YYYY-MM-DD') || ' 到期'")} END,
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


def _checks(answers, expected: dict, field) -> dict:
    answers = answers or {}
    missing = [str(label) for key, label in expected.items() if key not in answers]
    unknown = [k for k in answers if k not in expected]
    if missing or unknown:
        raise ValidationError({field: f"须逐项填写：{'、'.join(missing)}" if missing else f"未知检查项：{'、'.join(unknown)}"})
    return {k: bool(answers[k]) for k in expected}


@transaction.atomic
def record_filling(*, gate_check_id, code, station, operator, net_weight_kg, pre_checks, post_checks, by,
                   filled_at=None, client_id=None, offline=False) -> Filling:
    """Record a filling. It must follow an allowing gate check of the same cylinder at the same station, recent
    (CYLINDER_GATE_CHECK_VALID_MINUTES) and not used by another filling: a cylinder the gate refused cannot be
    recorded as filled. The operator holds a valid certificate; every pre-fill check passed; no overfilling."""
    _may_operate(by, station)
    filled_at = _when(filled_at, "filled_at")
    check = (GateCheck.objects.select_for_update(of=("self",)).select_related("cylinder")
             .filter(client_id=gate_check_id).first())
    code = codes.normalise(code)
    if check is None:
        raise ValidationError({"gate_check": "没有这次充装前检查的记录：须先扫码检查，允许后方可充装"})
    if not check.allowed:
        raise ValidationError({"gate_check": "该气瓶未通过充装前检查，不得充装：" +
                               "；".join(r["message"] for r in check.reasons)})
    if check.code != code or check.station_id != station.pk:
        raise ValidationError({"gate_check": "充装前检查的气瓶或充装站与本次充装不符"})
    window = timedelta(minutes=setting("CYLINDER_GATE_CHECK_VALID_MINUTES", 30))
    if not (check.checked_at <= filled_at <= check.checked_at + window):
        raise ValidationError({"gate_check": f"充装须在充装前检查后{int(window.total_seconds() // 60)}分钟内进行，请重新扫码检查"})
    if Filling.objects.filter(gate_check=check).exists():
        raise ValidationError({"gate_check": "这次充装前检查已用于另一次充装，请重新扫码检查"})
    cylinder = check.cylinder
    errors = {}
    if operator.enterprise_id != station.enterprise_id or operator.role != WorkerRole.FILLING_OPERATOR:
        errors["operator"] = "充装人员须为本站的气瓶充装作业人员"
    elif not operator.certified_on(timezone.localdate(filled_at)):
        errors["operator"] = f"充装人员“{operator}”的作业人员证书已过期（{operator.certificate_valid_until:%Y-%m-%d}）"
    weight = _positive(net_weight_kg)
    if weight is None:
        errors["net_weight_kg"] = _("充装净重须为大于0的数（kg），实际为“%(value)s”") % {"value": net_weight_kg}
    elif weight > cylinder.nominal_fill_kg:
        errors["net_weight_kg"] = f"充装净重 {weight} kg 超过公称充装量 {cylinder.nominal_fill_kg} kg（严禁超装）"
    try:
        pre = _checks(pre_checks, PRE_FILL_CHECKS, "pre_checks")
        failed = [str(PRE_FILL_CHECKS[k]) for k, ok in pre.items() if not ok]
        if failed:
            errors["pre_checks"] = f"充装前检查不合格，不得充装：{'、'.join(failed)}"
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        post = _checks(post_checks, POST_FILL_CHECKS, "post_checks")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    filling = Filling.objects.create(
        client_id=client_id or uuid7(), cylinder=cylinder, station=station, gate_check=check,
        operator=operator, filled_at=filled_at, net_weight_kg=weight, pre_checks=pre, post_checks=post,
        post_checks_passed=all(post.values()), offline=offline, by=by)
    audit.record("cylinders.fill", filling, actor=by, after=audit.snapshot(filling))
    return filling


@dataclass
class BatchResult:
    client_id: str
    kind: str
    outcome: str          # created, duplicate, rejected
    id: int | None = None
    allowed: bool | None = None
    errors: dict | None = None


def upload_offline_batch(*, station, records, by) -> list[BatchResult]:
    """Records a station made while offline, with their original times and their own ids (UUID). Gate checks go in
    first, then fillings, each in time order; a record whose id is already here adds nothing, so uploading a batch
    twice adds its records once. A rejected record does not stop the others. Results come in the batch's order."""
    _may_operate(by, station)
    max_age = timedelta(days=setting("CYLINDER_OFFLINE_MAX_AGE_DAYS", 30))
    order = {"gate_check": 0, "filling": 1}
    results = [BatchResult(client_id=str(r.get("client_id", "")), kind=r.get("type", ""), outcome="rejected")
               for r in records]

    def sort_key(i):
        r = records[i]
        return order.get(r.get("type"), 2), str(r.get("checked_at") or r.get("filled_at") or "")

    # The ids already here and the operators named, read once for the whole batch (two or three queries however
    # long it is), not once per record.
    ids = {}
    for index, record in enumerate(records):
        try:
            ids[index] = uuid.UUID(str(record.get("client_id")))
        except ValueError:
            pass
    models = {"gate_check": GateCheck, "filling": Filling}
    known = {kind: {} for kind in models}
    for kind, model in models.items():
        wanted = [ids[i] for i, r in enumerate(records) if r.get("type") == kind and i in ids]
        if wanted:
            fields = ("client_id", "pk", "station_id") + (("allowed",) if kind == "gate_check" else ())
            for client_id, *row in model.objects.filter(client_id__in=wanted).values_list(*fields):
                known[kind][client_id] = row
    operator_ids = {int(r["operator"]) for r in records  # (a bigint: a longer number names no one)
                    if r.get("type") == "filling" and str(r.get("operator")).isdigit() and len(str(r["operator"])) < 19}
    operators = Worker.objects.in_bulk(operator_ids) if operator_ids else {}

    for index in sorted(range(len(records)), key=sort_key):
        record, result = records[index], results[index]
        kind = result.kind
        client_id = ids.get(index)
        if client_id is None:
            result.errors = {"client_id": ["每条记录须带终端生成的编号（UUID）"]}
            continue
        if kind not in models:
            result.errors = {"type": ["记录类型须为 gate_check 或 filling"]}
            continue
        existing = known[kind].get(client_id)
        if existing is not None:
            pk, station_id, *allowed = existing
            if station_id != station.pk:
                result.errors = {"client_id": ["该编号已被其他充装站的记录使用"]}
            else:
                result.outcome, result.id = "duplicate", pk
                result.allowed = allowed[0] if allowed else None
            continue
        try:
            with transaction.atomic():
                at = _when(record.get("checked_at" if kind == "gate_check" else "filled_at"), "time")
                if at < clock.now() - max_age:
                    raise ValidationError({"time": f"离线记录超过{max_age.days}天，不予补传"})
                if kind == "gate_check":
                    row = gate_check(code=record.get("code", ""), station=station, by=by, checked_at=at,
                                     client_id=client_id, offline=True)
                    result.allowed = row.allowed
                else:
                    operator_id = record.get("operator")
                    operator = operators.get(int(operator_id)) if str(operator_id).isdigit() else None
                    if operator is None:
                        raise ValidationError({"operator": "充装人员不存在"})
                    row = record_filling(
                        gate_check_id=record.get("gate_check"), code=record.get("code", ""), station=station,
                        operator=operator, net_weight_kg=record.get("net_weight_kg"),
                        pre_checks=record.get("pre_checks"), post_checks=record.get("post_checks"), by=by,
                        filled_at=at, client_id=client_id, offline=True)
            result.outcome, result.id = "created", row.pk
            # The same id twice in one batch: the second is a duplicate of the first.
            known[kind][client_id] = [row.pk, station.pk] + ([row.allowed] if kind == "gate_check" else [])
        except ValidationError as exc:
            result.errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        except IntegrityError:  # the same id arriving at the same moment from a second upload
            result.outcome = "duplicate"
    if any(r.outcome == "created" for r in results):
        with transaction.atomic():
            audit.record("cylinders.offline_upload", station, actor=by, object_type="sites.site",
                         extra={"created": [r.client_id for r in results if r.outcome == "created"],
                                "duplicates": sum(r.outcome == "duplicate" for r in results),
                                "rejected": sum(r.outcome == "rejected" for r in results)})
    return results


# --- workers, customers -----------------------------------------------------------------------------------------

@transaction.atomic
def register_worker(*, enterprise, name, role, certificate_number, certificate_valid_until, by, user=None) -> Worker:
    if not acts_for(by, enterprise):
        raise PermissionDenied("只能登记本企业的人员")
    if role not in WorkerRole.values:
        raise ValidationError({"role": "岗位不正确"})
    if not (name or "").strip() or not (certificate_number or "").strip():
        raise ValidationError({"certificate_number": "请填写姓名和证书编号"})
    worker = Worker.objects.create(enterprise=enterprise, name=name.strip(), role=role,
                                   certificate_number=certificate_number.strip(),
                                   certificate_valid_until=certificate_valid_until, user=user)
    audit.record("cylinders.worker.register", worker, actor=by, after=audit.snapshot(worker))
    return worker


def _customer_snapshot(customer):
    """The customer as the audit chain keeps it: the masked forms only (the record is never rewritten, so it must not
    hold what the customer may later have erased); the row's id says who it is."""
    data = audit.snapshot(customer, exclude=("id_number_encrypted", "id_number_hash", "phone_encrypted", "phone_hash"))
    data["name"] = customer.name_masked
    return data


@transaction.atomic
def register_customer(*, enterprise, kind, name, phone, address, by, jurisdiction=None, id_number="",
                      credit_code="", site=None) -> Customer:
    """Register a buyer by real name: a person with a resident ID number (GB 11643 check digit) or a business with
    its credit code (and, for catering, its site). The ID number is stored encrypted and shown masked. Registering
    the same person or business again returns the one already registered."""
    if not acts_for(by, enterprise):
        raise PermissionDenied("只能为本企业登记用户")
    errors = {}
    name, phone, address = (name or "").strip(), (phone or "").strip(), (address or "").strip()
    if not name:
        errors["name"] = "请填写姓名或单位名称"
    if not phone:
        errors["phone"] = "请填写联系电话"
    if site is not None:
        jurisdiction = site.jurisdiction
        address = address or site.address or site.name
    if jurisdiction is None:
        errors["jurisdiction"] = "请选择用气地址所在属地（或用气场所）"
    if not address:
        errors["address"] = "请填写用气地址"
    id_number = (id_number or "").strip().upper()
    credit_code = (credit_code or "").strip().upper()
    if kind == CustomerKind.PERSON:
        problem = id_number_error(id_number)
        if problem:
            errors["id_number"] = problem
    elif kind == CustomerKind.BUSINESS:
        problem = credit_code_error(credit_code)
        if problem:
            errors["credit_code"] = problem
        if site is None:
            errors["site"] = "单位用户须选择其用气场所（餐饮企业、单位食堂等须先登记为监管对象）"
    else:
        errors["kind"] = "用户类型须为个人或单位"
    if errors:
        raise ValidationError(errors)
    digest = pii.lookup_hash(id_number) if id_number else ""
    existing = Customer.objects.filter(enterprise=enterprise).filter(
        Q(id_number_hash__in=pii.lookup_hashes(id_number)) if digest else Q(credit_code=credit_code)).first()
    if existing:
        return existing
    customer = Customer.objects.create(
        enterprise=enterprise, kind=kind, name=name, phone_encrypted=pii.encrypt(phone),
        phone_hash=pii.lookup_hash(phone), phone_masked=pii.mask_phone(phone),
        id_number_encrypted=pii.encrypt(id_number) if id_number else "", id_number_hash=digest,
        id_number_masked=pii.mask_id_number(id_number) if id_number else "", credit_code=credit_code, site=site,
        jurisdiction=jurisdiction, address=address, registered_by=by)
    audit.record("cylinders.customer.register", customer, actor=by, after=_customer_snapshot(customer))
    return customer


class TooManyReveals(Exception):
    """The user has revealed PII_REVEALS_PER_HOUR values in the last hour (HTTP 429)."""


REVEALABLE = ("id_number", "phone")


def may_reveal(user, customer, field) -> bool:
    """Who may see a customer's value whole: the ID number, the office only; the phone, those who must call the
    customer — the seller (its own users), the street or zone of the customer's area, the office."""
    if not Customer.objects.filter(customer_q(user), pk=customer.pk).exists():
        return False
    if field == "id_number" or is_office(user):
        return is_office(user)
    if user.role == Role.ENTERPRISE:
        return acts_for(user, customer.enterprise)
    return area_path(user) is not None


@transaction.atomic
def reveal(customer, field, reason, *, by) -> str:
    """A customer's ID number or phone number whole, for a user whose scope and role allow it, with a reason; at
    most PII_REVEALS_PER_HOUR values per user in any hour (TooManyReveals). Each reveal is an audit record with the
    reason and the masked value, never the value itself."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("须为 id_number（身份证号码）或 phone（联系电话）")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写查看原因")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("查看原因不能超过200字")})
    if not may_reveal(by, customer, field):
        raise PermissionDenied(_("只有区专班办公室可以查看完整身份证号码") if field == "id_number"
                               else _("只有销售企业、所在属地和区专班办公室可以查看完整联系电话"))
    limit = setting("PII_REVEALS_PER_HOUR", 20)
    since = clock.now() - timedelta(hours=1)
    if audit.AuditRecord.objects.filter(actor=by, action="cylinders.customer.reveal", at__gte=since).count() >= limit:
        raise TooManyReveals(_("一小时内查看个人信息已达 %(limit)s 次上限，请稍后再试") % {"limit": limit})
    masked = customer.id_number_masked if field == "id_number" else customer.phone_masked
    audit.record("cylinders.customer.reveal", customer, actor=by,
                 extra={"field": field, "reason": reason, "masked": masked})
    return customer.id_number() if field == "id_number" else customer.phone_number()


def _customer_site(customer, by) -> Site:
    """The customer's site; a household without one gets a household site (hazards are kept per site)."""
    if customer.site_id:
        return customer.site
    site = Site.objects.create(
        name=f"居民用户 {customer.name_masked}（{customer.address[:60]}）", site_type=SiteType.HOUSEHOLD,
        jurisdiction=customer.jurisdiction, address=customer.address, fuel=Fuel.LPG,
        # The masked forms only: the customer (Customer.site) holds the data, reveal() shows it.
        contact_person=customer.name_masked, contact_phone=customer.phone_masked)
    customer.site = site
    customer.save(update_fields=["site"])
    audit.record("cylinders.customer.household_site", customer, actor=by, extra={"site": site.pk})
    return site


# --- sales ------------------------------------------------------------------------------------------------------

def overdue_delivery_hazards(*sites):
    """The delivery-check hazards past their deadline at any of `sites` (None ignored)."""
    ids = {site.pk for site in sites if site is not None}
    if not ids:
        return Hazard.objects.none()
    return Hazard.objects.overdue().filter(site_id__in=ids, source=Source.DELIVERY_CHECK)


def catering_ban() -> str:
    """The CYLINDER_CATERING_BAN setting, checked (a typo must not silently lift the ban)."""
    from django.core.exceptions import ImproperlyConfigured

    value = setting("CYLINDER_CATERING_BAN", CateringBan.ALL_50KG)
    if value not in CateringBan.values:
        raise ImproperlyConfigured(f"设置 CYLINDER_CATERING_BAN 的值“{value}”无效，应为 "
                                   f"{' 或 '.join(CateringBan.values)}")
    return value


def is_fifty_kg(cylinder) -> bool:
    """A 50 kg bottle: the YSP118 family, or any cylinder registered with a nominal fill of 49.5 kg or more."""
    return cylinder.model in FIFTY_KG_MODELS or (cylinder.nominal_fill_kg or 0) >= FIFTY_KG_MIN_FILL


def catering_refusal(cylinder, code, site, ban=None):
    """The reason a cylinder may not go to `site` (a restaurant or canteen), or None. The 气液双相 YSP118-II keeps its
    own reason under any setting; any other 50 kg bottle is refused under the plan's rule (二(一)2), the default."""
    if site is None or site.site_type not in CATERING_SITE_TYPES:
        return None
    place = site.get_site_type_display()
    if cylinder.model in BANNED_IN_CATERING:
        return _reason(SaleReason.DOUBLE_PHASE_TO_CATERING, f"{code}（{cylinder.model}，{place}“{site.name}”；"
                                                            "方案二（一）2、二（四）3）")
    if (ban or catering_ban()) == CateringBan.ALL_50KG and is_fifty_kg(cylinder):
        return _reason(SaleReason.FIFTY_KG_TO_CATERING,
                       f"{code}（{cylinder.model}，公称充装量{plain(cylinder.nominal_fill_kg)}kg，{place}“{site.name}”）")
    return None


def _worker_reason(worker, seller, roles, day, reason):
    if worker is None:
        return _reason(reason, "未指定")
    if worker.enterprise_id != seller.pk or worker.role not in roles:
        return _reason(reason, f"“{worker}”不是本企业的相应岗位人员")
    if not worker.certified_on(day):
        return _reason(reason, f"“{worker}”的证书已于 {worker.certificate_valid_until:%Y-%m-%d} 过期")
    return None


def sale_reasons(*, seller, customer, cylinders_by_code, courier, safety_checker, day, site=None) -> list:
    """Every reason to refuse the sale (empty: allowed). `site` is the usage site named for this sale, if any; the
    catering rules apply when it, or the buyer's own registered site, is a restaurant or canteen (a catering
    business cannot lift the ban by naming another place), and an overdue delivery-check hazard at either stops
    the supply."""
    reasons = []
    if _licence_problem(_licences(LicenceKind.GAS_BUSINESS, enterprise=seller), day, True, True):
        reasons.append(_reason(SaleReason.NO_GAS_BUSINESS_LICENCE))
    catering_site = next((s for s in (site, customer.site) if s is not None and s.site_type in CATERING_SITE_TYPES),
                         None)
    ban = catering_ban()
    cylinders = [c for c in cylinders_by_code.values() if isinstance(c, Cylinder)]
    last_fill = dict(Filling.objects.filter(cylinder__in=cylinders).values("cylinder_id")
                     .annotate(at=Max("filled_at")).values_list("cylinder_id", "at"))
    last_sale = dict(SaleItem.objects.filter(cylinder__in=cylinders).values("cylinder_id")
                     .annotate(at=Max("sale__sold_at")).values_list("cylinder_id", "at"))
    returned = set(CylinderReturn.objects.filter(cylinder__in=cylinders).values_list("cylinder_id", "sale_id"))
    out = {c for c, s in SaleItem.objects.filter(cylinder__in=cylinders).values_list("cylinder_id", "sale_id")
           if (c, s) not in returned}
    for code, cylinder in cylinders_by_code.items():
        if cylinder == "invalid":
            reasons.append(_reason(SaleReason.INVALID_CODE, code))
            continue
        if cylinder is None:
            reasons.append(_reason(SaleReason.UNKNOWN_CODE, code))
            continue
        if cylinder.owner_id != seller.pk:
            reasons.append(_reason(SaleReason.NOT_SELLERS, code))
        if not cylinder.fit_on(day):
            reasons.append(_reason(SaleReason.CYLINDER_UNFIT, f"{code}（{Status(cylinder.effective_status(day)).label}）"))
        if cylinder.pk in out:
            reasons.append(_reason(SaleReason.ALREADY_OUT, code))
        elif cylinder.pk not in last_fill or (cylinder.pk in last_sale and last_fill[cylinder.pk] <= last_sale[cylinder.pk]):
            reasons.append(_reason(SaleReason.NOT_FILLED, code))
        catering = catering_refusal(cylinder, code, catering_site, ban)
        if catering:
            reasons.append(catering)
    overdue = list(overdue_delivery_hazards(site, customer.site).values_list("number", flat=True)[:5])
    if overdue:
        reasons.append(_reason(SaleReason.BUYER_OVERDUE_HAZARD, "、".join(overdue)))
    for worker, roles, reason in ((courier, {WorkerRole.DELIVERY}, SaleReason.COURIER_NOT_CERTIFIED),
                                  (safety_checker, {WorkerRole.DELIVERY, WorkerRole.SAFETY_CHECKER},
                                   SaleReason.CHECKER_NOT_CERTIFIED)):
        problem = _worker_reason(worker, seller, roles, day, reason)
        if problem:
            reasons.append(problem)
    return reasons


def _usage_site(site):
    """The usage site named for a sale: a registered gas-using place (a Site or its id), or None."""
    if site in (None, ""):
        return None
    if not isinstance(site, Site):
        site = Site.objects.select_related("jurisdiction").filter(pk=site if str(site).isdigit() else None).first()
        if site is None:
            raise ValidationError({"site": "用气场所不存在（须先登记为监管对象）"})
    # The messages name the number, not the place: a seller may name any registered site, not browse them.
    if site.site_type not in GAS_USING_TYPES:
        raise ValidationError({"site": f"编号 {site.pk} 的监管对象不是用气场所，请选择餐饮企业、单位食堂、居民用户等用气单位"})
    if not site.is_active:
        raise ValidationError({"site": f"编号 {site.pk} 的用气场所已不在册"})
    return site


@transaction.atomic
def sell(*, seller, customer, codes_sold, courier, safety_checker, by, usage_address="", sold_at=None,
         site=None) -> Sale:
    """A real-name sale of filled cylinders to a registered buyer. Refused (Refused, with every reason) when the
    seller has no valid gas business licence, a cylinder is not fit or not filled, a 50 kg bottle (any, by default;
    CYLINDER_CATERING_BAN) would go to a restaurant or canteen, the buyer has a delivery-check hazard past its
    deadline, or the courier or safety checker has no valid training certificate.

    `site` names where the gas is used when it is not the buyer's own registered site — a person may run a small
    restaurant: the catering rules, the delivery's safety check, its hazards and the sale's area follow that site."""
    if not acts_for(by, seller):
        raise PermissionDenied("只能以本企业名义销售")
    if customer.enterprise_id != seller.pk:
        raise ValidationError({"customer": "用户须由本企业登记"})
    site = _usage_site(site)
    sold_at = _when(sold_at, "sold_at")
    wanted = list(dict.fromkeys(codes.normalise(c) for c in (codes_sold or []) if c))
    if not wanted:
        raise ValidationError({"codes": "请扫描所售气瓶的编码"})
    valid = [c for c in wanted if codes.is_valid(c)]
    found = {c.code: c for c in Cylinder.objects.select_for_update().filter(code__in=valid)}
    by_code = {c: ("invalid" if c not in valid else found.get(c)) for c in wanted}
    reasons = sale_reasons(seller=seller, customer=customer, cylinders_by_code=by_code, courier=courier,
                           safety_checker=safety_checker, day=timezone.localdate(sold_at), site=site)
    if reasons:
        raise Refused(reasons)
    address = (usage_address or "").strip() or (site and (site.address or site.name)) or customer.address
    sale = Sale.objects.create(number=uuid.uuid4().hex[:20], seller=seller, customer=customer,
                               usage_address=address.strip()[:200], site=site,
                               jurisdiction=site.jurisdiction if site else customer.jurisdiction, sold_at=sold_at,
                               courier=courier, safety_checker=safety_checker, by=by)
    sale.number = f"XS{timezone.localdate(sold_at):%Y%m%d}{sale.pk:07d}"
    sale.save(update_fields=["number"])
    SaleItem.objects.bulk_create([SaleItem(sale=sale, cylinder=found[c]) for c in wanted])
    audit.record("cylinders.sell", sale, actor=by, after={**audit.snapshot(sale), "codes": wanted})
    return sale


def usage_site_of(sale):
    """Where a sale's gas is used, as far as known without creating anything: the site named for the sale, else the
    buyer's own site (None for a household not yet given one)."""
    return sale.site if sale.site_id else sale.customer.site


# --- delivery and the safety check at the premises ----------------------------------------------------------------

def _judge(point, value, site):
    """(passed or None for not applicable, the measured number or None)."""
    if point.unit:
        if value in (None, ""):
            raise ValidationError({point.key: f"须填写实测值（{point.unit}）"})
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError({point.key: f"实测值“{value}”不是数字"})
        if not number.is_finite() or number < 0:
            raise ValidationError({point.key: _("实测值“%(value)s”须为不小于0的数（%(unit)s）") % {
                "value": value, "unit": point.unit}})
        if point.key == "stored_kg" and site.has_cylinder_room:
            return True, number
        return number <= point.limit, number
    if value in ("na", None):
        return None, None
    if value in (True, "pass", "true", 1):
        return True, None
    if value in (False, "fail", "false", 0):
        return False, None
    raise ValidationError({point.key: "结果须为 pass、fail 或 na"})


def _route(point, site):
    from gasguard.catalog.models import CheckItem
    from gasguard.catalog.services import route

    item = CheckItem.objects.filter(code=point.item_code).first() if point.item_code else None
    if item is not None and item.applies_to(site):
        lead, co = route(item, site)
        return item, lead, co
    # No catalog item for this place: the gas authority (the office's department) leads, the street follows.
    return None, Department.objects.get(is_office=True), []


@transaction.atomic
def deliver(*, sale, answers: dict, acknowledged_by: str, by, delivered_at=None, photos=()) -> Delivery:
    """Deliver a sale and record the safety check at the premises (随瓶安检). Every point of the site's checklist is
    answered; each failure becomes a hazard in the ledger (source: delivery check), routed as the catalog routes the
    matching item, and a written rectification notice (PDF) listing them is generated and kept with the delivery.
    The user acknowledges by name."""
    if not acts_for(by, sale.seller):
        raise PermissionDenied("只能登记本企业销售的配送")
    if Delivery.objects.filter(sale=sale).exists():
        raise ValidationError({"sale": "该销售已登记配送"})
    delivered_at = _when(delivered_at, "delivered_at")
    if delivered_at < sale.sold_at:
        raise ValidationError({"delivered_at": "送达时间不能早于销售时间"})
    if not (acknowledged_by or "").strip():
        raise ValidationError({"acknowledged_by": "须由用户签名确认安检结果"})
    customer = sale.customer
    site = sale.site if sale.site_id else _customer_site(customer, by)
    points = points_for(site)
    unknown = [k for k in (answers or {}) if k not in BY_KEY]
    missing = [str(p.text) for p in points if p.key not in (answers or {})]
    if unknown or missing:
        raise ValidationError({"answers": f"安检项须逐项填写：{'、'.join(missing)}" if missing
                               else f"未知安检项：{'、'.join(unknown)}"})
    judged = []
    for point in points:
        ok, number = _judge(point, answers[point.key], site)
        judged.append((point, ok, number))
    photos = uploads.images(photos, "photos", _("现场照片"))  # all checked before anything is written
    delivery = Delivery.objects.create(
        sale=sale, site=site, delivered_at=delivered_at, courier=sale.courier, safety_checker=sale.safety_checker,
        checklist={p.key: {"passed": ok, "value": str(n) if n is not None else None} for p, ok, n in judged},
        failed_count=sum(ok is False for _, ok, _ in judged), acknowledged_by=acknowledged_by.strip(), by=by)
    found = []
    # A resident is named by surname and masked phone (the customer record holds the rest; reveal() shows it).
    person = customer.name_masked if customer.kind == CustomerKind.PERSON else (site.contact_person or customer.name)
    for point, ok, number in judged:
        if ok is not False:
            continue
        item, lead, co = _route(point, site)
        measured = f"（实测{plain(number)}{point.unit}，要求不超过{plain(point.limit)}{point.unit}）" \
            if number is not None else ""
        days = item.deadline_days if item else setting("CYLINDER_DELIVERY_HAZARD_DAYS", 7)
        found.append(hazard_services.register(
            site=site, description=f"{point.failure}{measured}（随瓶安检，销售单{sale.number}）",
            severity=item.severity if item else "general", lead_unit=lead, co_units=co,
            responsible_party=customer.name_masked, responsible_person=person, responsible_phone=customer.phone_masked,
            deadline=clock.today() + timedelta(days=days), by=by, source=Source.DELIVERY_CHECK, item=item,
            disposition=item.disposition if item else "", legal_basis=item.legal_basis if item else point.legal_basis,
            # Who must call the user finds the number on the customer's page (reveal, with a reason).
            note=f"随瓶安检（{sale.seller}，安检人员{sale.safety_checker}）；用户联系电话：{customer.phone_masked}，"
                 f"完整号码在用户页（{reverse('cylinders_customer', args=[customer.pk])}）填写原因后查看"))
    delivery.photos.set([hazard_services.attach_photo(upload, by=by) for upload in photos])
    if found:
        from ..notice import rectification_notice

        pdf = rectification_notice(delivery, found)
        delivery.notice_sha256 = hashlib.sha256(pdf).hexdigest()
        delivery.notice.save(f"notice-{sale.number}.pdf", ContentFile(pdf), save=False)
        delivery.save(update_fields=["notice", "notice_sha256"])
        delivery.hazards.set(found)
    audit.record("cylinders.deliver", delivery, actor=by, after={
        # (the notice by name: audit.snapshot cannot read an empty file field)
        **audit.snapshot(delivery, exclude=("notice",)), "notice": delivery.notice.name or "",
        "hazards": [h.number for h in found]})
    return delivery


@transaction.atomic
def record_return(*, code, by, returned_at=None) -> CylinderReturn:
    """The empty cylinder scanned back from the user it was sold to."""
    cylinder = find(code)
    returned_at = _when(returned_at, "returned_at")
    item = (SaleItem.objects.select_related("sale", "sale__seller").filter(cylinder=cylinder)
            .exclude(sale_id__in=CylinderReturn.objects.filter(cylinder=cylinder).values("sale_id")).order_by("-sale__sold_at").first())
    if item is None:
        raise ValidationError({"code": "该气瓶没有未回收的销售记录"})
    if not acts_for(by, item.sale.seller):
        raise PermissionDenied("只能回收本企业售出的气瓶")
    if returned_at < item.sale.sold_at:
        raise ValidationError({"returned_at": "回收时间不能早于销售时间"})
    row = CylinderReturn.objects.create(cylinder=cylinder, sale=item.sale, returned_at=returned_at, by=by)
    audit.record("cylinders.return", row, actor=by, after=audit.snapshot(row))
    return row


@transaction.atomic
def rotate_pii_keys(*, batch_size=1000) -> int:
    """Every encrypted value (utilities.pii's registry: buyers' ID numbers and phones) re-encrypted under the newest
    of PII_KEYS with its lookup hash: all or nothing (a value no key opens is a ValidationError naming its row).
    Returns the values rewritten."""
    done = pii.rotate(batch_size=batch_size)
    audit.record("cylinders.pii.rotate", object_type="cylinders.customer", extra={"rows": sum(done.values()), **done})
    return sum(done.values())
