"""Factories for the cylinder chain: a licensed gas company with its filling station, certified people and user;
buyers; and the chain's steps done the shortest way, through the services."""
import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from gasguard import testing
from gasguard.cylinders import services
from gasguard.cylinders.checklist import POINTS
from gasguard.cylinders.choices import POST_FILL_CHECKS, PRE_FILL_CHECKS, CustomerKind, WorkerRole
from gasguard.sites.models import Licence
from gasguard.utilities import clock
from gasguard.utilities.credit_code import id_number_check_char

_seq = itertools.count(1)

ALL_PASS_PRE = dict.fromkeys(PRE_FILL_CHECKS, True)
ALL_PASS_POST = dict.fromkeys(POST_FILL_CHECKS, True)


@dataclass
class GasCompany:
    enterprise: object
    station: object
    user: object
    operator: object
    courier: object
    checker: object


def id_number(seq=None) -> str:
    born = date(1960, 1, 1) + timedelta(days=(seq or next(_seq)) % 10000)  # a real date, distinct for each seq
    body = f"120107{born:%Y%m%d}123"
    return body + id_number_check_char(body)


def later(days=365):
    return clock.today() + timedelta(days=days)


def gas_company(name=None, jurisdiction_code=testing.STREET_A, *, licences=("filling", "gas_business")) -> GasCompany:
    from gasguard.cylinders.models import Worker

    n = next(_seq)
    enterprise = testing.make_enterprise(name or f"测试燃气{n}有限公司", jurisdiction_code, kind="lpg")
    grid = f"{jurisdiction_code}-C1-G1"
    station = testing.make_site(grid, "filling_station", enterprise=enterprise, name=f"{enterprise.name}充装站")
    for kind in licences:
        Licence.objects.create(enterprise=enterprise, kind=kind, number=f"{kind}-{n}", valid_until=later())
    user = testing.make_user("enterprise", full_name=f"站长{n}", enterprise=enterprise)
    workers = {role: Worker.objects.create(enterprise=enterprise, name=f"{role}{n}", role=role,
                                           certificate_number=f"TS-{role}-{n}", certificate_valid_until=later())
               for role in (WorkerRole.FILLING_OPERATOR, WorkerRole.DELIVERY, WorkerRole.SAFETY_CHECKER)}
    return GasCompany(enterprise, station, user, workers[WorkerRole.FILLING_OPERATOR], workers[WorkerRole.DELIVERY],
                      workers[WorkerRole.SAFETY_CHECKER])


def cylinder(co: GasCompany, *, model="YSP35.5", manufactured_on=None, code=None, **kw):
    n = next(_seq)
    return services.register_cylinder(owner=co.enterprise, maker="天津某钢瓶厂", maker_serial=f"SN{n:08d}",
                                      manufactured_on=manufactured_on or clock.today() - timedelta(days=400),
                                      model=model, by=co.user, code=code, **kw)


def gate(co: GasCompany, code, **kw):
    return services.gate_check(code=code, station=co.station, by=co.user, **kw)


def fill(co: GasCompany, cyl, *, weight="14.5", **kw):
    check = gate(co, cyl.code, checked_at=kw.get("filled_at"))
    return services.record_filling(gate_check_id=check.client_id, code=cyl.code, station=co.station,
                                   operator=co.operator, net_weight_kg=weight, pre_checks=ALL_PASS_PRE,
                                   post_checks=ALL_PASS_POST, by=co.user, **kw)


def person(co: GasCompany, *, jurisdiction_code=testing.STREET_A_GRID, number=None, name="张三"):
    return services.register_customer(enterprise=co.enterprise, kind=CustomerKind.PERSON, name=name,
                                      phone="13900001111", address="塘沽某小区3-2-101", by=co.user,
                                      jurisdiction=testing.jurisdiction(jurisdiction_code),
                                      id_number=number or id_number())


def business(co: GasCompany, site, *, name=None):
    return services.register_customer(enterprise=co.enterprise, kind=CustomerKind.BUSINESS,
                                      name=name or site.name, phone="022-66660000", address=site.address or "某路1号",
                                      by=co.user, credit_code=site.enterprise.credit_code if site.enterprise
                                      else testing.credit_code(), site=site)


def sell(co: GasCompany, customer, cylinders, **kw):
    kw.setdefault("courier", co.courier)
    kw.setdefault("safety_checker", co.checker)
    return services.sell(seller=co.enterprise, customer=customer, codes_sold=[c.code for c in cylinders],
                         by=co.user, **kw)


def all_pass(site=None, **overrides) -> dict:
    answers = {p.key: ("1.5" if p.key == "hose_length_m" else "0" if p.key == "stored_kg" else "pass")
               for p in POINTS}
    answers.update(overrides)
    return answers


def deliver(co: GasCompany, sale, **overrides):
    return services.deliver(sale=sale, answers=all_pass(**overrides), acknowledged_by=sale.customer.name, by=co.user)


def past(days) -> date:
    return clock.today() - timedelta(days=days)


def agency_user(name="天津市特种设备检验所"):
    """An account of a cylinder inspection agency (the only one that records periodic inspections)."""
    agency = testing.make_enterprise(name, testing.STREET_A, kind="inspection_agency")
    return testing.make_user("agency", enterprise=agency, full_name="检验员何平")
