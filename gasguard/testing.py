"""Test helpers: personas, factories and payload builders, so that each test reads as who may do what.

Only Django here (no pytest): the fixtures that use these live in gasguard/conftest.py.
"""
import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gasguard.catalog.choices import Op
from gasguard.utilities import clock
from gasguard.utilities.credit_code import make_credit_code

# Check items the tests lean on (codes from catalog/data/items.py).
HOSE = "P2.4.2-05"                # 连接软管长度超过2米: measured, pass when ≤ 2.0 m; fire brigade leads
LPG_STORE = "P2.4.2-03"           # 存放气瓶总重量超过100kg但未设置专用气瓶间: exempt with a cylinder room
DOUBLE_PHASE = "P2.4.3-01"        # 50kg“气液双相”气瓶: 区市场监管局 leads
DECANTING = "P2.1.6-06"           # 用气瓶相互倒灌: 区公安局 leads, 区市场监管局 among the co-units
PIPELINE_ONLY = "P2.3.1-02"       # an item for pipeline segments only
ENTERPRISE_ONLY = "P2.1.1-01"     # an item for gas enterprises only

# Places (org/data/binhai.py).
DISTRICT = "120116"
ZONE_JK = "120116-Z1"             # 经开区
ZONE_JK_GRID = "120116-Z1-C1-G1"
STREET_A = "120116-S01"           # 塘沽街道
STREET_A_GRID = "120116-S01-C1-G1"
STREET_B = "120116-S03"           # 杭州道街道
STREET_B_GRID = "120116-S03-C1-G1"

# A valid 1×1 greyscale PNG (67 bytes): the smallest evidence photo there is.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636000000002000148afa4710000000049454e44ae426082")

PASSWORD = "gasguard-test"

_seq = itertools.count(1)


def png_upload(name="evidence.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def jurisdiction(code):
    from gasguard.org.models import Jurisdiction

    return code if hasattr(code, "pk") else Jurisdiction.objects.get(code=code)


def department(name_or_code):
    """A department by its name (as the plan writes it) or its code."""
    from django.db.models import Q

    from gasguard.org.models import Department

    if hasattr(name_or_code, "pk"):
        return name_or_code
    return Department.objects.get(Q(name=name_or_code) | Q(code=name_or_code))


def credit_code() -> str:
    # "93…Q" keeps test codes apart from any demo data; the check character is computed.
    return make_credit_code(f"93120116Q{next(_seq):07d}")


def make_enterprise(name=None, jurisdiction_code=STREET_A, kind="user", **fields):
    from gasguard.org.models import Enterprise

    n = next(_seq)
    return Enterprise.objects.create(name=name or f"测试企业{n}", credit_code=fields.pop("credit_code", None)
                                     or credit_code(), kind=kind, jurisdiction=jurisdiction(jurisdiction_code),
                                     **fields)


def make_user(role, *, username=None, password=PASSWORD, full_name=None, department_name=None,
              jurisdiction_code=None, enterprise=None, **fields):
    """A user with a role and the unit that role needs (validated like the admin would)."""
    from gasguard.org.models import User

    n = next(_seq)
    username = username or f"t-{role}-{n}"
    user = User(username=username, full_name=full_name or f"测试{username}", role=role,
                department=department(department_name) if department_name else None,
                jurisdiction=jurisdiction(jurisdiction_code) if jurisdiction_code else None,
                enterprise=enterprise, **fields)
    user.clean()
    user.set_password(password)
    user.save()
    return user


def make_site(jurisdiction_code=STREET_A_GRID, site_type="restaurant", fuel="lpg", *, enterprise=None, name=None,
              contact_person="王整改", **attrs):
    from gasguard.sites.models import Site

    return Site.objects.create(name=name or f"测试{site_type}{next(_seq)}", site_type=site_type,
                               jurisdiction=jurisdiction(jurisdiction_code), enterprise=enterprise, fuel=fuel,
                               contact_person=contact_person, contact_phone="13800000000", **attrs)


def passing_value(item):
    """A measured value that meets the item's rule."""
    if item.measure_quantity == "lpg_stored_kg":
        return Decimal("0")
    step = Decimal("0.5")
    return {Op.LE: item.measure_limit, Op.GE: item.measure_limit, Op.LT: item.measure_limit - step,
            Op.GT: item.measure_limit + step}[item.measure_op]


def answer_all(site, overrides=None) -> list[dict]:
    """An answer for every item of the site's checklist, all passing (measured items with a passing value).

    `overrides` maps an item code to a dict merged into its answer (e.g. {HOSE: {"measured_value": "2.5"}}),
    or to None to leave the item out."""
    from gasguard.catalog.services import checklist_for

    overrides = overrides or {}
    answers = []
    for item in checklist_for(site):
        answer = {"item": item.code, "result": "pass"}
        if item.has_measure:
            answer["measured_value"] = str(passing_value(item))
        if item.code in overrides:
            if overrides[item.code] is None:
                continue
            answer.update(overrides[item.code])
        answers.append(answer)
    return answers


def inspection_payload(site, by, overrides=None, **extra) -> dict:
    """The body of POST /api/v1/inspections/ for `site`, signed by `by`."""
    return {"site": site.pk, "signature": by.display_name, "responsible_person": "王整改",
            "items": answer_all(site, overrides), **extra}


def item_answers(site, overrides=None):
    """answer_all() as the service's ItemAnswer list."""
    from gasguard.inspections.services import ItemAnswer

    return [ItemAnswer(code=a["item"], result=a.get("result", ""), measured_value=a.get("measured_value"),
                       note=a.get("note", "")) for a in answer_all(site, overrides)]


def inspect(site, by, overrides=None, **kwargs):
    """Record an inspection through the service; returns (inspection, hazards)."""
    from gasguard.inspections.services import record_inspection

    kwargs.setdefault("signature", by.display_name)
    return record_inspection(site=site, by=by, answers=item_answers(site, overrides), **kwargs)


def register_hazard(site, by, item_code=HOSE, *, deadline=None, **kwargs):
    """Enter a hazard for `item_code` at `site`, routed as the catalog says (the shortest way to a ledger row)."""
    from gasguard.catalog.models import CheckItem
    from gasguard.catalog.services import route
    from gasguard.hazards import services

    item = CheckItem.objects.get(code=item_code)
    lead, co = route(item, site)
    kwargs.setdefault("responsible_person", "王整改")
    kwargs.setdefault("description", item.text)
    return services.register(site=site, by=by, item=item, severity=item.severity, lead_unit=lead, co_units=co,
                             deadline=deadline or clock.today() + timedelta(days=1 if item.deadline_days is None else item.deadline_days),
                             **kwargs)


def submit_for_verification(hazard, by):
    """Start (when open) and submit with a photo: the hazard ends in 'submitted'."""
    from gasguard.hazards import services

    if hazard.state == "open":
        hazard = services.start_rectification(hazard, by=by)
    return services.submit(hazard, by=by, note="已更换为1.5米软管", photos=[png_upload()])


def close_hazard(hazard, rectifier, verifier):
    from gasguard.hazards import services

    hazard = submit_for_verification(hazard, rectifier)
    return services.verify(hazard, by=verifier, passed=True, note="现场复核合格")


def api_client(user=None):
    """A DRF test client that authenticates with the user's token (as a mobile client would)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def ledger_state(hazard=None) -> dict:
    """What a refused request must leave as it was: counts of every ledger table and the hazard's own row."""
    from gasguard.audit.models import AuditRecord
    from gasguard.audit.services import snapshot
    from gasguard.campaign.models import SupervisionOrder
    from gasguard.hazards.models import Hazard, HazardEvent, LookBack
    from gasguard.inspections.models import Inspection, InspectionItem, Photo
    from gasguard.org.models import Enterprise

    state = {model.__name__: model.objects.count() for model in (
        Hazard, HazardEvent, LookBack, Inspection, InspectionItem, Photo, AuditRecord, SupervisionOrder, Enterprise)}
    if hazard is not None:
        state["hazard"] = snapshot(Hazard.objects.get(pk=hazard.pk), exclude=("updated_at",))
    return state


@contextmanager
def nothing_changes(hazard=None):
    """Assert that the block leaves the ledger (and `hazard`) exactly as it found them."""
    before = ledger_state(hazard)
    yield
    after = ledger_state(hazard)
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}


@dataclass
class Personas:
    """The people of DESIGN.md 'Who uses it', one each, and the two restaurants the enterprises run."""

    office: object          # 区城市管理委 (the task force office): sees everything
    street_a: object        # 塘沽街道 officer
    street_b: object        # 杭州道街道 officer
    market: object          # 区市场监管局 (a member department)
    fire: object            # 滨海新区消防救援支队 (the brigade of the ordinary streets)
    inspector: object       # a field inspector of 塘沽街道
    enterprise: object      # runs site_a
    outsider: object        # another enterprise, runs site_b
    site_a: object          # a restaurant on LPG in a grid of 塘沽街道
    site_b: object          # a restaurant on LPG in a grid of 杭州道街道

    USERNAMES = {
        "office": "t-office", "street_a": "t-street-a", "street_b": "t-street-b", "market": "t-market",
        "fire": "t-fire", "inspector": "t-inspector", "enterprise": "t-enterprise", "outsider": "t-outsider",
    }

    def users(self):
        return {name: getattr(self, name) for name in self.USERNAMES}


def create_personas() -> dict:
    """Create the personas; returns the primary keys, from which load_personas() rebuilds fresh objects."""
    restaurant_co = make_enterprise("塘沽老味道餐饮有限公司", STREET_A)
    outsider_co = make_enterprise("杭州道海鲜酒楼有限公司", STREET_B)
    u = Personas.USERNAMES
    users = {
        "office": make_user("office", username=u["office"], full_name="专班李明", department_name="区城市管理委"),
        "street_a": make_user("jurisdiction", username=u["street_a"], full_name="塘沽赵敏",
                              jurisdiction_code=STREET_A),
        "street_b": make_user("jurisdiction", username=u["street_b"], full_name="杭州道钱伟",
                              jurisdiction_code=STREET_B),
        "market": make_user("department", username=u["market"], full_name="市场监管孙丽",
                            department_name="区市场监管局"),
        "fire": make_user("department", username=u["fire"], full_name="消防周强",
                          department_name="滨海新区消防救援支队"),
        "inspector": make_user("inspector", username=u["inspector"], full_name="检查员吴刚",
                               jurisdiction_code=STREET_A),
        "enterprise": make_user("enterprise", username=u["enterprise"], full_name="餐饮郑红", enterprise=restaurant_co),
        "outsider": make_user("enterprise", username=u["outsider"], full_name="酒楼冯涛", enterprise=outsider_co),
    }
    sites = {
        "site_a": make_site(STREET_A_GRID, enterprise=restaurant_co, name="老味道塘沽店"),
        "site_b": make_site(STREET_B_GRID, enterprise=outsider_co, name="海鲜酒楼杭州道店"),
    }
    return {**{k: v.pk for k, v in users.items()}, **{k: v.pk for k, v in sites.items()}}


def load_personas(pks: dict) -> Personas:
    """Fresh objects for each test, so that one test's in-memory changes never reach the next."""
    from gasguard.org.models import User
    from gasguard.sites.models import Site

    users = User.objects.select_related("department", "jurisdiction", "enterprise").in_bulk(
        [pks[k] for k in Personas.USERNAMES])
    sites = Site.objects.select_related("jurisdiction", "enterprise").in_bulk([pks["site_a"], pks["site_b"]])
    return Personas(**{k: users[pks[k]] for k in Personas.USERNAMES},
                    site_a=sites[pks["site_a"]], site_b=sites[pks["site_b"]])
