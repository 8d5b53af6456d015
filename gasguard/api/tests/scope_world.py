"""Two sides of the district for the scope matrix: for 塘沽街道 (A) and 杭州道街道 (B) each, a restaurant with an
inspection, a hazard, its photo and look-back; a gas company with its station, a cylinder filled, sold to a
household and delivered with a failed safety check (a hazard at the household); a detector and its alarm; the
street's monthly report, a supervision order and an import. Every record carries text found nowhere else (its
"secrets"), so that a page or an answer naming it can be caught."""
import io
from dataclasses import dataclass, field
from datetime import timedelta

import openpyxl
from django.core.files.base import ContentFile

from gasguard import testing
from gasguard.cylinders import services as cylinder_services
from gasguard.cylinders.choices import CustomerKind
from gasguard.cylinders.tests import helpers as cyl
from gasguard.utilities import clock

SIDES = {"A": testing.STREET_A, "B": testing.STREET_B}


@dataclass
class Record:
    key: str          # which kind of record, as the matrix's kwargs name it ("hazard", "customer", …)
    side: str         # "A", "B", or "" for the district's own (office-only) records
    obj: object
    secrets: tuple = ()


@dataclass
class World:
    personas: testing.Personas
    users: dict                            # persona name → user (None: anonymous)
    side_of: dict                          # persona name → "A", "B" or ""
    records: list = field(default_factory=list)

    def add(self, key, side, obj, *secrets):
        self.records.append(Record(key, side, obj, tuple(s for s in secrets if s)))
        return obj

    def of(self, key):
        return [r for r in self.records if r.key == key]


def _side(world, side):
    from gasguard.campaign import services as campaign
    from gasguard.campaign.models import MonthlyReport
    from gasguard.hazards.models import LookBack
    from gasguard.imports.models import ImportJob
    from gasguard.inspections.models import Photo
    from gasguard.monitoring.models import Alarm, AlarmRule
    from gasguard.monitoring.tests.helpers import make_device

    p = world.personas
    street = getattr(p, f"street_{side.lower()}")
    code = SIDES[side]
    site = p.site_a if side == "A" else p.site_b
    world.add("site", side, site, site.name)
    world.add("enterprise", side, site.enterprise, site.enterprise.credit_code)
    inspector = p.inspector if side == "A" else testing.make_user("inspector", jurisdiction_code=code,
                                                                  full_name="杭州道检查员")
    inspection, (hazard,) = testing.inspect(site, inspector, {testing.HOSE: {"measured_value": "2.5"}},
                                            responsible_person=f"{side}方秘密负责人",
                                            photos=[testing.png_upload()])
    world.add("inspection", side, inspection, f"{side}方秘密负责人")
    world.add("hazard", side, hazard, hazard.number)
    world.add("photo", side, Photo.objects.get(inspection=inspection))
    world.add("lookback", side, LookBack.objects.create(hazard=hazard, month=f"{clock.today():%Y-%m}"))
    order = campaign.issue_supervision_order(reason=f"{side}方秘密督办事由", deadline=clock.today() + timedelta(days=9),
                                             by=p.office, jurisdiction=street.jurisdiction, hazards=[hazard])
    world.add("order", side, order, order.number, f"{side}方秘密督办事由")

    gas = cyl.gas_company(f"{side}方秘密燃气有限公司", code)
    world.users[f"gas_{side.lower()}"] = gas.user
    world.side_of[f"gas_{side.lower()}"] = side
    world.add("station", side, gas.station, gas.station.name)
    world.add("enterprise", side, gas.enterprise, gas.enterprise.credit_code)
    world.add("worker", side, gas.courier)
    cylinder = cyl.cylinder(gas)
    world.add("cylinder", side, cylinder, cylinder.code)
    home = _buyer(world, gas, side, f"{side}方秘密住户", f"{side}方秘密小区1-1-101", "13900001234")
    _delivered(world, gas, side, home, cylinder, hose_length_m="2.6")

    device = make_device(site=testing.make_site(f"{code}-C1-G1", site_type="pipeline_segment", fuel="pipeline_gas",
                                                name=f"{side}方秘密管段", lat=39.0, lon=117.7),
                         code=f"SECRET{side}0001")
    world.add("site", side, device.site, device.site.name)
    world.add("device", side, device, device.code)
    now = clock.now()
    alarm = Alarm.objects.create(number=f"BJSECRET{side}01", device=device, site=device.site,
                                 jurisdiction=device.site.jurisdiction, rule=AlarmRule.objects.order_by("pk").first(),
                                 alarm_type="threshold", severity="level1", message="甲烷浓度超限",
                                 first_ts=now, last_seen=now)
    world.add("alarm", side, alarm, alarm.number)
    from gasguard.notifications.models import Notification
    world.add("notification", side, Notification.objects.create(event="alarm.raised", subject=alarm, channel="in_app",
                                                                target=f"jurisdiction:{street.jurisdiction_id}",
                                                                payload={"number": alarm.number}))

    report = MonthlyReport.objects.create(campaign=campaign.default_campaign(), month=f"{clock.today():%Y-%m}",
                                          due_on=clock.today(), jurisdiction=street.jurisdiction,
                                          work_done=f"{side}方秘密月报正文")
    world.add("report", side, report, report.work_done)
    report.versions.create(number=1, data={"work_done": report.work_done}, submitted_by=street)
    job = ImportJob.objects.create(kind="sites", original_name=f"{side}方秘密导入.xlsx", sha256="0" * 64,
                                   user=street, file=testing.png_upload(f"{side}.xlsx"))
    world.add("job", side, job, job.original_name)
    return gas


def _buyer(world, gas, side, name, address, phone):
    """A household of the side's street, a customer of the gas company."""
    buyer = cylinder_services.register_customer(
        enterprise=gas.enterprise, kind=CustomerKind.PERSON, name=name, phone=phone, address=address, by=gas.user,
        jurisdiction=testing.jurisdiction(f"{SIDES[side]}-C1-G1"), id_number=cyl.id_number())
    world.add("customer", side, buyer, buyer.name, buyer.address)
    return buyer


def _delivered(world, gas, side, buyer, cylinder, hose_length_m):
    """The cylinder filled, sold to the buyer and delivered with a failed safety check: a hazard at the household."""
    cyl.fill(gas, cylinder)
    sale = cyl.sell(gas, buyer, [cylinder])
    world.add("sale", side, sale, sale.number)
    delivery = cyl.deliver(gas, sale, hose_length_m=hose_length_m)
    world.add("delivery", side, delivery)
    world.add("site", side, delivery.site)
    (hazard,) = delivery.hazards.all()
    world.add("hazard", side, hazard, hazard.number)


def _across(world, gas):
    """A buyer of 塘沽 who uses the gas at B's restaurant in 杭州道: the sale is 杭州道's, the buyer 塘沽's."""
    cylinder = cyl.cylinder(gas)
    world.add("cylinder", "A", cylinder, cylinder.code)
    cyl.fill(gas, cylinder)
    buyer = _buyer(world, gas, "A", "A区外用住户", "A区外用小区3-3-303", "13900009876")
    sale = cyl.sell(gas, buyer, [cylinder], site=world.personas.site_b)
    world.add("sale", "B", sale, sale.number)


def _travel(world, gas):
    """A cylinder of A's gas company sold in 塘沽 and then, refilled, in 杭州道: one trace over two streets."""
    cylinder = cyl.cylinder(gas)
    world.add("cylinder", "A", cylinder, cylinder.code)
    for side in SIDES:
        buyer = _buyer(world, gas, side, f"{side}区跨区住户", f"{side}区跨区小区2-2-202", "13900005678")
        _delivered(world, gas, side, buyer, cylinder, hose_length_m="2.7")
        cylinder_services.record_return(code=cylinder.code, by=gas.user)


def build(personas) -> World:
    from gasguard.audit.models import AuditRecord
    from gasguard.monitoring.models import DeadLetter
    from gasguard.reports.models import ReportRun

    users = {"office": personas.office, "department": personas.market, "street_a": personas.street_a,
             "street_b": personas.street_b, "inspector": personas.inspector, "restaurant_a": personas.enterprise,
             "anonymous": None}
    side_of = {"street_a": "A", "street_b": "B", "inspector": "A", "restaurant_a": "A"}
    world = World(personas, users, side_of)
    gas = {}
    for side in SIDES:
        gas[side] = _side(world, side)
    _travel(world, gas["A"])
    _across(world, gas["A"])
    # The market regulator inspects B's restaurant: the inspection is its own, the hazard the fire brigade's.
    inspection, (hazard,) = testing.inspect(personas.site_b, personas.market, {testing.HOSE: {"measured_value": "2.8"}},
                                            responsible_person="市场监管秘密负责人")
    world.add("inspection", "B", inspection, "市场监管秘密负责人")
    world.add("hazard", "B", hazard, hazard.number)
    # The district's own records: the office's alone.
    run = ReportRun.objects.create(month=f"{clock.today():%Y-%m}", requested_by=personas.office)
    book = openpyxl.Workbook()
    book.active["A1"] = "区级月报"
    buffer = io.BytesIO()
    book.save(buffer)
    run.xlsx.save("run.xlsx", ContentFile(buffer.getvalue()))
    world.add("run", "", run)
    world.add("audit", "", AuditRecord.objects.order_by("-pk").first())
    world.add("deadletter", "", DeadLetter.objects.create(source="mqtt", topic="gg/SECRETDL", reason="unknown_device",
                                                          device_code="SECRETDL0001"), "SECRETDL0001")
    return world
