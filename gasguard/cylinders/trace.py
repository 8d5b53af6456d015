"""The life of one cylinder in order, and the other way round: what a customer received, what a station filled.
Each is a fixed number of queries, whatever the history's length; the life of one cylinder is ONE statement."""
import functools
import json
from datetime import UTC, date
from decimal import Decimal

from django.db import connection
from django.utils.dateparse import parse_datetime

from gasguard.hazards.models import Hazard
from gasguard.org.choices import Role
from gasguard.org.models import Department, Enterprise, Jurisdiction
from gasguard.sites.models import Site
from gasguard.utilities import hotsql

from . import scope
from .choices import Status
from .models import (
    Customer,
    Cylinder,
    CylinderReturn,
    Delivery,
    Filling,
    GateCheck,
    PeriodicInspection,
    Sale,
    SaleItem,
    StatusChange,
    Worker,
)

# Events of the same instant in the order of the chain.
ORDER = {"registration": 0, "inspection": 1, "status": 2, "gate_check": 3, "filling": 4, "sale": 5, "delivery": 6,
         "return": 7, "hazard": 8}


def _event(at, kind, title, **detail):
    return {"at": at, "kind": kind, "title": title, **detail}


@functools.cache
def _events_sql() -> str:
    """Every event of one cylinder (its id: each %s below) as rows of one shape, in time order: kind, at, text a-d,
    number n-m, flags p-q, a date, a JSON text, and what scopes the row (se: its enterprise, sp: its area's path; cp: a sale's buyer's area's path, the
    buyer's enterprise in m).
    Portable SQL (SQLite too). Each branch is an indexed lookup by the
    cylinder's key or by its sales' keys; a delivery's hazards come as their own rows (kind "hazard", n: the
    delivery)."""
    t = {m.__name__: m._meta.db_table for m in (StatusChange, PeriodicInspection, GateCheck, Filling, Site, Worker,
                                                  SaleItem, Sale, Enterprise, Customer, Delivery, CylinderReturn,
                                                  Hazard, Department, Jurisdiction)}
    dh = Delivery.hazards.through._meta.db_table
    # NULLs typed by the first branch, which names the columns.
    branches = [
        f"""SELECT 'status' AS kind, x.at AS at, x.to_status AS a, x.reason AS b, CAST(NULL AS TEXT) AS c,
                   CAST(NULL AS TEXT) AS d, CAST(NULL AS BIGINT) AS n, CAST(NULL AS BIGINT) AS m,
                   CAST(NULL AS BOOLEAN) AS p, CAST(NULL AS BOOLEAN) AS q, CAST(NULL AS DATE) AS day,
                   CAST(NULL AS TEXT) AS j, CAST(NULL AS NUMERIC) AS w, x.id AS id,
                   CAST(NULL AS BIGINT) AS se, CAST(NULL AS TEXT) AS sp, CAST(NULL AS TEXT) AS cp
            FROM {t['StatusChange']} x WHERE x.cylinder_id = %s""",
        f"""SELECT 'inspection', x.recorded_at, NULL, x.agency, NULL, NULL, NULL, NULL, x.passed, x.extended_life,
                   x.inspected_on, NULL, NULL, x.id, NULL, NULL, NULL
            FROM {t['PeriodicInspection']} x WHERE x.cylinder_id = %s""",
        f"""SELECT 'gate_check', x.checked_at, s.name, NULL, NULL, NULL, NULL, NULL, x.allowed, x.offline, NULL,
                   CAST(x.reasons AS TEXT), NULL, x.id, s.enterprise_id, sj.path, NULL
            FROM {t['GateCheck']} x JOIN {t['Site']} s ON s.id = x.station_id
            JOIN {t['Jurisdiction']} sj ON sj.id = s.jurisdiction_id WHERE x.cylinder_id = %s""",
        f"""SELECT 'filling', x.filled_at, s.name, o.name, NULL, NULL, NULL, NULL, x.post_checks_passed, x.offline,
                   NULL, NULL, x.net_weight_kg, x.id, s.enterprise_id, sj.path, NULL
            FROM {t['Filling']} x JOIN {t['Site']} s ON s.id = x.station_id JOIN {t['Worker']} o ON o.id = x.operator_id
            JOIN {t['Jurisdiction']} sj ON sj.id = s.jurisdiction_id WHERE x.cylinder_id = %s""",
        f"""SELECT 'sale', x.sold_at, x.number, e.name, u.name, x.usage_address, u.id, u.enterprise_id, NULL, NULL,
                   NULL, us.name, NULL, x.id, x.seller_id, xj.path, uj.path
            FROM {t['SaleItem']} i JOIN {t['Sale']} x ON x.id = i.sale_id JOIN {t['Enterprise']} e ON e.id = x.seller_id
            JOIN {t['Customer']} u ON u.id = x.customer_id LEFT JOIN {t['Site']} us ON us.id = x.site_id
            JOIN {t['Jurisdiction']} xj ON xj.id = x.jurisdiction_id JOIN {t['Jurisdiction']} uj ON uj.id = u.jurisdiction_id
            WHERE i.cylinder_id = %s""",
        f"""SELECT 'delivery', x.delivered_at, sa.number, co.name, sc.name, NULL, x.id, x.failed_count,
                   x.notice <> '', NULL, NULL, NULL, NULL, x.id, sa.seller_id, xj.path, NULL
            FROM {t['SaleItem']} i JOIN {t['Delivery']} x ON x.sale_id = i.sale_id JOIN {t['Sale']} sa ON sa.id = x.sale_id
            JOIN {t['Worker']} co ON co.id = x.courier_id JOIN {t['Worker']} sc ON sc.id = x.safety_checker_id
            JOIN {t['Jurisdiction']} xj ON xj.id = sa.jurisdiction_id WHERE i.cylinder_id = %s""",
        f"""SELECT 'hazard', NULL, h.number, h.description, lu.name, h.state, dh.delivery_id, NULL, NULL, NULL,
                   h.deadline, NULL, NULL, h.id, h.enterprise_id, hj.path, NULL
            FROM {t['SaleItem']} i JOIN {t['Delivery']} x ON x.sale_id = i.sale_id JOIN {dh} dh ON dh.delivery_id = x.id
            JOIN {t['Hazard']} h ON h.id = dh.hazard_id JOIN {t['Department']} lu ON lu.id = h.lead_unit_id
            JOIN {t['Jurisdiction']} hj ON hj.id = h.jurisdiction_id WHERE i.cylinder_id = %s""",
        f"""SELECT 'return', x.returned_at, sa.number, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, x.id,
                   sa.seller_id, xj.path, NULL
            FROM {t['CylinderReturn']} x JOIN {t['Sale']} sa ON sa.id = x.sale_id
            JOIN {t['Jurisdiction']} xj ON xj.id = sa.jurisdiction_id WHERE x.cylinder_id = %s""",
    ]
    return "\nUNION ALL\n".join(branches) + "\nORDER BY at, id"


def _aware(value):
    # SQLite hands a UNION's times back as text or naive (UTC, as Django stores them).
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


_CYLINDER_FIELDS = [f.attname for f in Cylinder._meta.concrete_fields]


@functools.cache
def _visible_cylinder_sql() -> str:
    """The cylinder of a code with its owner's name, if the user may see it: scope.cylinder_q()'s rules as
    parameters (see visible_cylinder), so that one prepared statement serves every user."""
    c, e = Cylinder._meta.db_table, Enterprise._meta.db_table
    si, sa, j = SaleItem._meta.db_table, Sale._meta.db_table, Jurisdiction._meta.db_table
    columns = ", ".join(f"c.{name}" for name in _CYLINDER_FIELDS)
    return (f"SELECT {columns}, e.name FROM {c} c JOIN {e} e ON e.id = c.owner_id WHERE c.code = %s AND "
            f"(%s::boolean OR c.owner_id = %s::bigint OR (%s::text IS NOT NULL AND EXISTS ("
            f"SELECT 1 FROM {si} i JOIN {sa} s ON s.id = i.sale_id JOIN {j} j ON j.id = s.jurisdiction_id "
            f"WHERE i.cylinder_id = c.id AND j.path LIKE %s::text ESCAPE '\\')))")


def visible_cylinder(user, code) -> Cylinder | None:
    """The cylinder of `code` (normalised, valid) with its owner's name, or None when there is none the user may
    see (scope.cylinder_q). On PostgreSQL one prepared statement (the trace's first round trip); elsewhere the
    ORM."""
    if connection.vendor != "postgresql":
        return (Cylinder.objects.filter(scope.cylinder_q(user), code=code)
                .select_related("owner").only(*_CYLINDER_FIELDS, "owner__name").first())
    if not user.is_authenticated:
        return None
    everything = scope.sees_all_cylinders(user)
    enterprise = user.enterprise_id if user.role == Role.ENTERPRISE else None
    path = None if everything or user.role == Role.ENTERPRISE else scope.area_path(user)
    if not (everything or enterprise or path):
        return None
    like = None if path is None else connection.ops.prep_for_like_query(path) + "%"
    rows = hotsql.fetch(_visible_cylinder_sql(), [code, everything, enterprise, like, like])
    if not rows:
        return None
    *values, owner_name = rows[0]
    cylinder = Cylinder.from_db(connection.alias, _CYLINDER_FIELDS, values)
    # The owner as select_related(...).only("name") would load it: str(owner) is its name.
    cylinder.owner = Enterprise.from_db(connection.alias, ["id", "name"], [cylinder.owner_id, owner_name])
    return cylinder


OTHER_AREA = scope.OTHER_AREA


def _hidden(at, kind):
    """An event the user may not see by itself: its place in the life, nothing about who or where."""
    return _event(at, kind, str(OTHER_AREA), hidden=True)


def _visible_hazards(user, rows) -> set:
    """The hazards among `rows` (id, enterprise, area path) that Hazard.objects.visible_to() lets the user see: decided
    here for the office, an enterprise and a street (what the rows carry); asked of the ledger for the others."""
    if not rows:
        return set()
    if user.is_superuser or user.role == Role.OFFICE:
        return {pk for pk, _e, _p in rows}
    if user.role == Role.ENTERPRISE:
        return {pk for pk, e, _p in rows if user.enterprise_id and e == user.enterprise_id}
    if user.role == Role.JURISDICTION:
        path = user.jurisdiction.path if user.jurisdiction_id else None
        return {pk for pk, _e, p in rows if path and p.startswith(path)}
    return set(Hazard.objects.visible_to(user).filter(pk__in=[pk for pk, _e, _p in rows]).values_list("pk", flat=True))


def cylinder_trace(cylinder, user) -> list[dict]:
    """Registration, status decisions, periodic inspections, gate checks, fillings, sales, deliveries with their
    safety checks and hazards, returns: one list in time order. Each station record, sale, delivery, return and
    hazard is shown only if `user` may see it by itself (cylinders.scope, Hazard.objects.visible_to); any other is a
    placeholder that keeps its time and kind but names nobody. No personal data beyond the buyer's name."""
    events = [_event(cylinder.registered_at, "registration", "登记建档", owner=str(cylinder.owner),
                     model=cylinder.model, maker=cylinder.maker, maker_serial=cylinder.maker_serial)]
    sql = _events_sql()
    status_label = dict(Status.choices)
    deliveries, hazards, hazard_scope = {}, [], []
    for kind, at, a, b, c, d, n, m, p, q, day, j, w, _id, se, sp, cp in hotsql.fetch(sql, [cylinder.pk] * sql.count("%s")):
        at = _aware(at)
        if kind == "hazard":
            hazards.append((n, _id, {"number": a, "description": b, "lead_unit": c, "deadline": _day(day),
                                     "state": d}))
            hazard_scope.append((_id, se, sp))
        elif kind not in ("status", "inspection") and not scope.sees_record(user, se, sp):
            events.append(_hidden(at, kind))
        elif kind == "gate_check":
            events.append(_event(at, kind, "充装前检查：" + ("允许" if p else "拒绝"), station=a, allowed=bool(p),
                                 # most checks allow: nothing to decode
                                 reasons=json.loads(j) if j and j != "[]" else [], offline=bool(q)))
        elif kind == "filling":
            events.append(_event(at, kind, "充装", station=a, operator=b,
                                 net_weight_kg=str(Decimal(str(w)).quantize(Decimal("0.01"))),
                                 post_checks_passed=bool(p), offline=bool(q)))
        elif kind == "status":
            events.append(_event(at, kind, f"状态变更：{status_label.get(a, a)}", reason=b))
        elif kind == "inspection":
            events.append(_event(at, kind, "定期检验" + ("合格" if p else "不合格"), inspected_on=_day(day), agency=b,
                                 extended_life=bool(q)))
        elif kind == "sale":
            # the buyer only if the user may see the customer by itself (a buyer of another street may use the gas
            # here)
            buyer = scope.sees_record(user, m, cp)
            events.append(_event(at, kind, "实名制销售", sale=a, seller=b, customer=c if buyer else str(OTHER_AREA),
                                 customer_id=n if buyer else None, address=d,
                                 usage_site=j or ""))   # the site it is used at, when the sale names one
        elif kind == "delivery":
            deliveries[n] = _event(at, kind, "配送及随瓶安检", sale=a, courier=b, safety_checker=c, failed=m,
                                   delivery_id=n, notice=bool(p), hazards=[], seller_id=se)
            events.append(deliveries[n])
        elif kind == "return":
            events.append(_event(at, kind, "空瓶回收", sale=a))
    visible = _visible_hazards(user, hazard_scope)
    for delivery_id, hazard_id, hazard in hazards:
        if delivery_id in deliveries:   # a hidden delivery keeps its hazards to itself
            delivery = deliveries[delivery_id]
            if hazard_id in visible:
                delivery["hazards"].append(hazard)
            else:
                delivery["hazards"].append({"hidden": True, "title": str(OTHER_AREA)})
                # the notice names the hazard: only its issuer reads it then (scope.sees_notice)
                delivery["notice"] = delivery["notice"] and delivery["seller_id"] == (
                    user.enterprise_id if user.role == Role.ENTERPRISE else None)
    for delivery in deliveries.values():
        del delivery["seller_id"]
    events.sort(key=lambda e: (e["at"], ORDER[e["kind"]]))
    return events


def received_by(customer, user):
    """What a customer received: each sale with its cylinders, delivery and return; only the sales the user may see
    by themselves (a buyer of this street may use the gas in another)."""
    return (SaleItem.objects.filter(sale__customer=customer, sale__in=Sale.objects.filter(scope.sale_q(user)))
            .select_related("cylinder", "sale", "sale__seller", "sale__delivery").order_by("-sale__sold_at", "id"))


def filled_at_station(station):
    return Filling.objects.filter(station=station).select_related("cylinder", "operator").order_by("-filled_at")


def delivered_by(worker):
    """What a courier delivered: each delivery with its sale's cylinders."""
    return (Delivery.objects.filter(courier=worker).select_related("sale", "sale__customer", "site")
            .prefetch_related("sale__cylinders").order_by("-delivered_at"))
