"""Validate every row, then write them all or none.

Each importer turns a row into a plan (the values to write, and the keys that say whether the record is already
there), or records an error for every bad cell. Only when no row has an error is anything written, in one
transaction: sites and enterprises in bulk with one summary audit record for the import; hazards one by one
through hazards.services.register, each with its own signed step and audit record.
"""
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.catalog.models import CheckItem
from gasguard.catalog.services import route
from gasguard.hazards import services as hazards
from gasguard.hazards.choices import Source
from gasguard.hazards.models import Hazard
from gasguard.org import services as org_services
from gasguard.org.choices import Role
from gasguard.org.models import Department, Enterprise, Jurisdiction
from gasguard.org.roles import may_link_enterprise, may_register_in
from gasguard.sites import services as site_services
from gasguard.sites.choices import Building, Fuel
from gasguard.sites.models import Site
from gasguard.utilities import clock
from gasguard.utilities.credit_code import credit_code_error

from . import cells
from .cells import CellError
from .columns import BUILDING, COLUMNS, ENTERPRISE_KIND, FUEL, REQUIRED, SEVERITY, SITE_TYPE, SOURCE, Column
from .models import Kind

BATCH = 500
# Any number will do: it only has to be the same for every import (PostgreSQL advisory lock key).
_PG_LOCK_KEY = 0x6761736775617264  # "gasguard"


def chunks(seq, size=BATCH):
    seq = list(seq)
    for start in range(0, len(seq), size):
        yield seq[start:start + size]


def allowed_kinds(user) -> list[str]:
    """The office imports everything. A jurisdiction imports the sites and the hazard ledger of its own area;
    enterprises are registered by the office only (as on the API)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser or user.role == Role.OFFICE:
        return [Kind.SITES, Kind.ENTERPRISES, Kind.HAZARDS]
    if user.role == Role.JURISDICTION and user.jurisdiction_id:
        return [Kind.SITES, Kind.HAZARDS]
    return []


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, no data, too many rows)."""


@dataclass
class Row:
    number: int                      # as Excel numbers it: the header is row 1
    values: dict                     # column key → raw cell value
    letters: dict                    # column key → column letter in the user's file
    columns: dict                    # column key → Column
    errors: list = field(default_factory=list)

    def error(self, key: str, message: str):
        self.errors.append({"row": self.number, "col": self.letters.get(key, ""),
                            "header": self.columns[key].label if key in self.columns else "",
                            "message": message})

    def get(self, key, parse=cells.text, *, required=False, missing="", **kwargs):
        """The parsed value of a cell, or None after recording the cell's error."""
        raw = self.values.get(key)
        if cells.is_blank(raw):
            if required:
                self.error(key, missing or _("请填写%(label)s") % {"label": self.columns[key].label})
            return None
        try:
            return parse(raw, **kwargs)
        except CellError as exc:
            self.error(key, str(exc))
            return None

    @property
    def ok(self):
        return not self.errors


@dataclass
class Plan:
    row: int
    data: dict
    keys: list                       # any of these already present → the record exists
    existing: bool = False


class Importer:
    kind: str
    action: str

    def __init__(self, job, progress):
        self.job = job
        self.user = job.user
        self.progress = progress
        self.columns: list[Column] = COLUMNS[self.kind]

    # --- reading -------------------------------------------------------------------------------------------------
    def header_map(self, header: tuple) -> tuple[dict, list]:
        """Column key → index in the user's file, matched by header text; errors for missing required columns."""
        found, errors = {}, []
        for index, title in enumerate(header):
            if cells.is_blank(title):
                continue
            for column in self.columns:
                if column.key not in found and column.matches(str(title)):
                    found[column.key] = index
                    break
        for column in self.columns:
            if column.key not in found and column.required == REQUIRED:
                errors.append({"row": 1, "col": "", "header": "",
                               "message": _("缺少“%(title)s”列（第1行须为模板的表头，请使用下载的模板）") % {"title": column.title}})
        return found, errors

    # --- validating ----------------------------------------------------------------------------------------------
    def prepare(self, rows: list[Row]):
        """Load in bulk what the rows refer to (so validation takes a fixed number of queries per batch)."""

    def validate(self, row: Row) -> Plan | None:
        raise NotImplementedError

    def find_existing(self, plans: list[Plan]) -> set:
        """The keys among `plans` already in the database."""
        raise NotImplementedError

    def finish(self, plans: list[Plan], rows_by_number: dict):
        """Checks that depend on whether a record already exists."""

    # --- writing -------------------------------------------------------------------------------------------------
    def create(self, plans: list[Plan]) -> list:
        """Create the records of `plans` (none of them present); return their primary keys."""
        raise NotImplementedError

    # --- helpers shared by the kinds -----------------------------------------------------------------------------
    def load_jurisdictions(self):
        self.jurisdictions = {}
        ambiguous = set()
        for j in Jurisdiction.objects.all():
            for key in {j.code, j.name, j.short_name} - {""}:
                key = cells.normalize(key)
                if key in self.jurisdictions and self.jurisdictions[key].pk != j.pk:
                    ambiguous.add(key)
                self.jurisdictions.setdefault(key, j)
        # A code always wins; a name shared by two places must be written as a code.
        for j in Jurisdiction.objects.all():
            self.jurisdictions[cells.normalize(j.code)] = j
            ambiguous.discard(cells.normalize(j.code))
        self.ambiguous_jurisdictions = ambiguous

    def jurisdiction(self, row: Row, key="jurisdiction"):
        value = row.get(key, required=True, missing=_("请填写属地（编码或名称）"))
        if value is None:
            return None
        norm = cells.normalize(value)
        if norm in self.ambiguous_jurisdictions:
            row.error(key, _("属地名称“%(value)s”对应多个属地，请填写属地编码") % {"value": value})
            return None
        j = self.jurisdictions.get(norm)
        if j is None:
            row.error(key, _("未找到属地“%(value)s”，请填写属地编码或名称（见模板“填写说明”中的属地编码表）") % {"value": value})
            return None
        if not self.in_area(j):
            row.error(key, _("属地“%(name)s”不在您的管辖范围（%(scope)s）内") % {
                "name": j.name, "scope": self.user.jurisdiction.name})
            return None
        return j

    def in_area(self, jurisdiction) -> bool:
        return may_register_in(self.user, jurisdiction)

    def credit_code(self, row: Row, key, *, required=False):
        value = row.get(key, required=required)
        if value is None:
            return None
        code = value.strip().upper()
        error = credit_code_error(code)
        if error:
            row.error(key, error)
            return None
        return code

    def text(self, row: Row, key, model, field_name=None, *, required=False, missing=""):
        max_length = model._meta.get_field(field_name or key).max_length
        return row.get(key, cells.text, required=required, missing=missing, max_length=max_length)

    def audit_after(self, ids) -> dict:
        return {"kind": self.kind, "file": self.job.original_name, "sha256": self.job.sha256,
                "rows": self.job.total_rows, "created": len(ids), "ids": ids}


class Duplicates:
    """Rows of the same file that are the same record: the later one is an error naming the earlier."""

    def __init__(self):
        self.seen = {}

    def check(self, row: Row, plan: Plan, key: str, what: str) -> bool:
        for k in plan.keys:
            if k in self.seen:
                row.error(key, _("与第%(seen)s行是同一%(what)s，请删除重复的行") % {"seen": self.seen[k], "what": what})
                return False
        for k in plan.keys:
            self.seen[k] = row.number
        return True


# ---------------------------------------------------------------------------------------------------------------
class EnterpriseImporter(Importer):
    kind = Kind.ENTERPRISES
    action = "import.enterprises"

    def prepare(self, rows):
        self.load_jurisdictions()
        self.duplicates = Duplicates()

    def validate(self, row):
        data = {
            "name": self.text(row, "name", Enterprise, required=True),
            "credit_code": self.credit_code(row, "credit_code", required=True),
            "kind": row.get("kind", ENTERPRISE_KIND, required=True),
            "legal_representative": self.text(row, "legal_representative", Enterprise) or "",
            "safety_officer": self.text(row, "safety_officer", Enterprise) or "",
            "phone": self.text(row, "phone", Enterprise) or "",
            "address": self.text(row, "address", Enterprise) or "",
            "jurisdiction": self.jurisdiction(row),
        }
        if not row.ok:
            return None
        plan = Plan(row.number, data, keys=[data["credit_code"]])
        return plan if self.duplicates.check(row, plan, "credit_code", _("企业（统一社会信用代码相同）")) else None

    def find_existing(self, plans):
        found = set()
        for batch in chunks([p.keys[0] for p in plans]):
            found.update(Enterprise.objects.filter(credit_code__in=batch).values_list("credit_code", flat=True))
        return found

    def create(self, plans):
        ids = []
        for batch in chunks(plans):
            made = org_services.import_enterprises([p.data for p in batch], by=self.user)
            ids += [e.pk for e in made]
            self.progress.step(len(batch))
        return ids


# ---------------------------------------------------------------------------------------------------------------
class SiteImporter(Importer):
    kind = Kind.SITES
    action = "import.sites"

    def prepare(self, rows):
        self.load_jurisdictions()
        self.duplicates = Duplicates()
        codes = set()
        for row in rows:
            value = row.values.get("enterprise")
            if not cells.is_blank(value):
                codes.add(cells.text(value).upper())
        self.enterprises, self.enterprise_areas = {}, {}
        for batch in chunks(codes):
            for code, pk, path, area in Enterprise.objects.filter(credit_code__in=batch).values_list(
                    "credit_code", "pk", "jurisdiction__path", "jurisdiction__name"):
                self.enterprises[code] = pk
                self.enterprise_areas[code] = (path, area)

    def validate(self, row):
        lat = row.get("lat", cells.number, minimum=-90, maximum=90)
        lon = row.get("lon", cells.number, minimum=-180, maximum=180)
        if (lat is None) != (lon is None) and row.ok:
            row.error("lon" if lon is None else "lat", _("纬度、经度须同时填写（或都不填）"))
        data = {
            "name": self.text(row, "name", Site, required=True),
            "site_type": row.get("site_type", SITE_TYPE, required=True),
            "jurisdiction": self.jurisdiction(row),
            "address": self.text(row, "address", Site) or "",
            "lat": lat, "lon": lon,
            "fuel": row.get("fuel", FUEL) or Fuel.NONE,
            "building": row.get("building", BUILDING) or Building.ORDINARY,
            "lpg_stored_kg": row.get("lpg_stored_kg", cells.decimal, minimum=0, maximum=Decimal("999999999"),
                                     places=1) or Decimal("0"),
            "has_cylinder_room": bool(row.get("has_cylinder_room", cells.yes_no)),
            "crowded_place": bool(row.get("crowded_place", cells.yes_no)),
            "contact_person": self.text(row, "contact_person", Site) or "",
            "contact_phone": self.text(row, "contact_phone", Site) or "",
        }
        code = self.credit_code(row, "enterprise")
        if code is not None:
            if code not in self.enterprises:
                row.error("enterprise", _("未找到统一社会信用代码为“%(code)s”的企业，请先导入或登记该企业") % {"code": code})
            elif not may_link_enterprise(self.user, self.enterprise_areas[code][0]):
                row.error("enterprise", _("统一社会信用代码为“%(code)s”的企业属于%(area)s，只能关联本属地的企业（跨属地的关联请由区专班办公室办理）") % {
                    "code": code, "area": self.enterprise_areas[code][1]})
            data["enterprise_id"] = self.enterprises.get(code)
        if not row.ok:
            return None
        keys = [("name+address", data["name"], data["address"])]
        if code:
            keys.append(("enterprise+name", code, data["name"]))
        plan = Plan(row.number, data, keys)
        return plan if self.duplicates.check(row, plan, "name", _("对象（名称与地址相同，或同一企业下名称相同）")) else None

    def find_existing(self, plans):
        names = {p.data["name"] for p in plans}
        present = set()
        for batch in chunks(names):
            for name, address, code in Site.objects.filter(name__in=batch).values_list(
                    "name", "address", "enterprise__credit_code"):
                present.add(("name+address", name, address))
                if code:
                    present.add(("enterprise+name", code, name))
        return present

    def create(self, plans):
        ids = []
        for batch in chunks(plans):
            made = site_services.import_sites([p.data for p in batch], by=self.user)
            ids += [s.pk for s in made]
            self.progress.step(len(batch))
        return ids


# ---------------------------------------------------------------------------------------------------------------
class HazardImporter(Importer):
    """An existing ledger (台账) from before the platform. Each hazard is entered through hazards.services.register,
    with the ledger's found date as its found time; the deadline rule of register() is kept: a deadline before
    the day of the import is an error of its cell, never silently moved."""

    kind = Kind.HAZARDS
    action = "import.hazards"

    def prepare(self, rows):
        self.duplicates = Duplicates()
        self.today = timezone.localdate()
        names = {cells.text(r.values.get("site_name")) for r in rows} - {""}
        self.sites_by_name_address, self.sites_by_code_name = {}, {}
        scope = Site.objects.visible_to(self.user).select_related("jurisdiction", "enterprise")
        for batch in chunks(names):
            for site in scope.filter(name__in=batch):
                self.sites_by_name_address.setdefault((site.name, site.address), []).append(site)
                if site.enterprise_id:
                    self.sites_by_code_name.setdefault((site.enterprise.credit_code, site.name), []).append(site)
        codes = {cells.text(r.values.get("item")) for r in rows} - {""}
        self.items = {i.code: i for i in CheckItem.objects.filter(code__in=codes)
                      .prefetch_related("lead_units", "co_units")}
        self.departments = {}
        for dept in Department.objects.all():
            for name in [dept.name, dept.code, *dept.aliases]:
                self.departments.setdefault(cells.normalize(name), dept)
        self.routes = {}

    def site(self, row):
        name = row.get("site_name", required=True, missing=_("请填写隐患所在对象名称"))
        address = row.get("site_address") or ""
        code = self.credit_code(row, "site_credit_code")
        if name is None or not row.ok:
            return None
        found = self.sites_by_code_name.get((code, name), []) if code else []
        if not found:
            found = self.sites_by_name_address.get((name, address), [])
        if not found:
            where = _("、地址为“%(address)s”") % {"address": address} if address else _("、地址为空")
            by_code = _("（或所属企业信用代码为“%(code)s”）") % {"code": code} if code else ""
            row.error("site_name", _("未找到名称为“%(name)s”%(where)s%(by_code)s的监管对象，或该对象不在您的管辖范围内；请先导入监管对象，或核对名称与地址") % {
                "name": name, "where": where, "by_code": by_code})
            return None
        if len(found) > 1:
            row.error("site_name", _("名称为“%(name)s”的监管对象有%(count)s个，请填写对象地址或对象统一社会信用代码以区分") % {
                "name": name, "count": len(found)})
            return None
        return found[0]

    def lead_and_co(self, row, site, item):
        lead_name = row.get("lead_unit")
        if lead_name is not None:
            lead = self.departments.get(cells.normalize(lead_name))
            if lead is None:
                row.error("lead_unit", _("未知的成员单位“%(lead_name)s”，请按工作方案中的单位名称填写（见“填写说明”中的成员单位表）") % {
                    "lead_name": lead_name})
                return None, []
            co = []
            if item is not None:
                # The lead is the ledger's; the co-units are the catalog's, when it can route the item here.
                _lead, routed_co = self.route(row, item, site, report=False)
                co = [d for d in routed_co if d.pk != lead.pk]
            return lead, co
        if item is None:
            row.error("lead_unit", _("请填写牵头单位（或填写检查项编码，由系统按工作方案分派）"))
            return None, []
        return self.route(row, item, site)

    def route(self, row, item, site, report=True):
        key = (item.pk, site.jurisdiction_id)
        if key not in self.routes:
            try:
                self.routes[key] = route(item, site)
            except (ImproperlyConfigured, Department.DoesNotExist) as exc:
                if report:
                    row.error("lead_unit", _("无法按检查项分派牵头单位（%(exc)s），请直接填写牵头单位") % {"exc": exc})
                return None, []
        return self.routes[key]

    def validate(self, row):
        site = self.site(row)
        description = row.get("description", cells.text, required=True, missing=_("请填写隐患描述"))
        code = row.get("item")
        item = None
        if code is not None:
            item = self.items.get(code)
            if item is None:
                row.error("item", _("检查项目录中没有编码“%(code)s”") % {"code": code})
        severity = row.get("severity", SEVERITY)
        if severity is None and item is not None:
            severity = item.severity
        elif severity is None and cells.is_blank(row.values.get("severity")):
            row.error("severity", _("请填写隐患等级（一般/重大），或填写检查项编码"))
        person = self.text(row, "responsible_person", Hazard, required=True,
                           missing=_("请填写整治责任人（须具体到人）"))
        phone = self.text(row, "responsible_phone", Hazard) or ""
        deadline = row.get("deadline", cells.a_date, required=True, missing=_("请填写整改期限"))
        found = row.get("found_date", cells.a_date, required=True, missing=_("请填写发现日期"))
        if found is not None and found > self.today:
            row.error("found_date", _("发现日期 %(found)s 晚于今天") % {"found": f"{found:%Y-%m-%d}"})
        if found is not None and deadline is not None and deadline < found:
            row.error("deadline", _("整改期限 %(deadline)s 早于发现日期 %(found)s") % {
                "deadline": f"{deadline:%Y-%m-%d}", "found": f"{found:%Y-%m-%d}"})
        source = row.get("source", SOURCE) or Source.INSPECTION
        lead, co = (None, [])
        if site is not None and (item is not None or code is None):
            lead, co = self.lead_and_co(row, site, item)
        if not row.ok:
            return None
        description = description.strip()
        data = {"site": site, "description": description, "severity": severity, "item": item, "lead_unit": lead,
                "co_units": co, "responsible_person": person, "responsible_phone": phone, "deadline": deadline,
                "found": found, "source": source}
        plan = Plan(row.number, data, keys=[(site.pk, description, found)])
        return plan if self.duplicates.check(row, plan, "description", _("隐患（同一对象、同一描述、同一发现日期）")) else None

    def find_existing(self, plans):
        site_ids = {p.data["site"].pk for p in plans}
        present = set()
        for batch in chunks(site_ids):
            for site_id, description, found_at in Hazard.objects.filter(site_id__in=batch).values_list(
                    "site_id", "description", "found_at"):
                present.add((site_id, description, timezone.localdate(found_at)))
        return present

    def finish(self, plans, rows_by_number):
        # register() refuses a deadline in the past. A hazard of the ledger already on the platform is skipped, so
        # only the rows to be entered must meet the rule.
        for plan in plans:
            deadline = plan.data["deadline"]
            if not plan.existing and deadline < self.today:
                rows_by_number[plan.row].error(
                    "deadline", _("整改期限 %(deadline)s 早于今天，不能登记已过去的日期（台账中已逾期未整改的隐患，请与责任单位确定新的整改期限后填写）") % {
                        "deadline": f"{deadline:%Y-%m-%d}"})
            elif not plan.existing:
                # The rest of the deadline rule (how far ahead, who may go past the item's period), as register()
                # will apply it on the ledger's found day.
                d = plan.data
                with clock.frozen(timezone.make_aware(datetime.combine(d["found"], time.min))):
                    try:
                        hazards.check_deadline(deadline, by=self.user, lead_unit=d["lead_unit"], item=d["item"])
                    except ValidationError as exc:
                        rows_by_number[plan.row].error("deadline", "；".join(exc.messages))

    def create(self, plans):
        ids = []
        imported_at = timezone.localtime()
        for plan in plans:
            d = plan.data
            # The hazard is dated as the ledger dates it: register() runs on the ledger's found day (the clock is
            # set back as the demo loader does), while the note says when and by whom it was imported.
            found_at = timezone.make_aware(datetime.combine(d["found"], time.min))
            note = (f"历史台账导入：{self.job.original_name} 第{plan.row}行（导入任务 #{self.job.pk}，"
                    f"{self.user.display_name} 于 {imported_at:%Y-%m-%d %H:%M} 导入）")
            item = d["item"]
            with clock.frozen(found_at):
                hazard = hazards.register(
                    site=d["site"], description=d["description"], severity=d["severity"], lead_unit=d["lead_unit"],
                    co_units=d["co_units"], responsible_person=d["responsible_person"],
                    responsible_phone=d["responsible_phone"], deadline=d["deadline"], by=self.user,
                    source=d["source"], item=item, disposition=item.disposition if item else "",
                    legal_basis=item.legal_basis if item else "", note=note)
            ids.append(hazard.pk)
            self.progress.step()
        return ids


IMPORTERS = {Kind.SITES: SiteImporter, Kind.ENTERPRISES: EnterpriseImporter, Kind.HAZARDS: HazardImporter}


def serialize_writers():
    """One import writes at a time, so that two imports of the same file cannot both find a record missing.
    (SQLite already serialises writers: its transactions begin IMMEDIATE.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def validate_all(importer: Importer, rows: list[Row]) -> tuple[list[Plan], list[dict]]:
    importer.prepare(rows)
    plans = []
    for row in rows:
        plan = importer.validate(row)
        if plan is not None:
            plans.append(plan)
        importer.progress.step()
    present = importer.find_existing(plans)
    for plan in plans:
        plan.existing = any(k in present for k in plan.keys)
    importer.finish(plans, {r.number: r for r in rows})
    # By row, then by column as Excel orders them (A … Z, AA …).
    errors = sorted((e for r in rows for e in r.errors), key=lambda e: (e["row"], len(e["col"]), e["col"]))
    return plans, errors


def write_all(importer: Importer, plans: list[Plan]) -> tuple[int, int]:
    """In one transaction: skip what is present (looked up again under the lock), create the rest, and sign the
    import in the audit chain. Returns (created, existing)."""
    with transaction.atomic():
        serialize_writers()
        present = importer.find_existing(plans)
        new = [p for p in plans if not any(k in present for k in p.keys)]
        existing = len(plans) - len(new)
        importer.progress.step(existing)
        ids = importer.create(new)
        if ids:  # the chain records changes; an import that adds nothing is recorded by its job only
            audit.record(importer.action, importer.job, actor=importer.user,
                         after={**importer.audit_after(ids), "existing": existing})
    return len(ids), existing

