"""Consistency tests for the check-item catalog data (no database needed).

The choices modules only build TextChoices with lazy labels, which works without
configured Django settings; the tests only read `.values`.
"""
import re

import pytest

from gasguard.catalog.choices import Disposition, Op, Severity
from gasguard.catalog.data.items import ITEMS
from gasguard.sites.choices import Building, Fuel, SiteType

# Member units of the task force, copied from the plan's 五（一）, names exactly as written there.
PLAN_UNITS = [
    "各开发区管委会",
    "区委网信办",
    "区发展改革委",
    "区教体局",
    "区公安局",
    "区民政局",
    "区司法局",
    "区财政局",
    "区住房建设委",
    "区城市管理委",
    "区交通运输局",
    "区水务局",
    "区农业农村委",
    "区商务和投促局",
    "区文化和旅游局",
    "区卫生健康委",
    "区应急局",
    "区市场监管局",
    "区政务服务办",
    "滨海新区消防救援支队",
    "经开区消防救援支队",
    "保税区消防救援支队",
    "高新区消防救援支队",
    "特勤消防救援支队",
    "市规资局滨海分局",
    "各街道办事处",
    "各镇人民政府",
]
FIRE_BRIGADES = PLAN_UNITS[19:24]
ALLOWED_UNITS = set(PLAN_UNITS) | {"@fire"}

# The numbered paragraphs of 二（一） to 二（四）: 7 + 3 + 3 + 4.
PARAGRAPHS = (
    [f"二(一){n}" for n in range(1, 8)]
    + [f"二(二){n}" for n in range(1, 4)]
    + [f"二(三){n}" for n in range(1, 4)]
    + [f"二(四){n}" for n in range(1, 5)]
)

KEYS = {
    "code", "text", "clause", "task", "site_types", "fuel", "building", "crowded_only",
    "legal_basis", "lead", "co", "territorial", "disposition", "deadline_days", "severity",
    "measure", "evidence_hint",
}
SAME_DAY = {
    Disposition.RECTIFY_IMMEDIATELY, Disposition.STOP_VIOLATION, Disposition.SHUT_DOWN,
    Disposition.STOP_USE,
}

PLAN_CODE = re.compile(r"^P2\.[1-4]\.[1-7]-\d{2}$")
MH_CODE = re.compile(r"^MH[4-9]-\d$")
TASK = re.compile(r"^[二三四五]\([一二三四五六七]\)\d$")

ids = [item.get("code", repr(i)) for i, item in enumerate(ITEMS)]


def by_code(code):
    return next(item for item in ITEMS if item["code"] == code)


def test_plan_units_list():
    assert len(PLAN_UNITS) == len(set(PLAN_UNITS)) == 27
    assert len(FIRE_BRIGADES) == 5 and all(u.endswith("消防救援支队") for u in FIRE_BRIGADES)


def test_item_count_and_paragraph_count():
    assert len(PARAGRAPHS) == 17
    assert 70 <= len(ITEMS) <= 130


def test_codes_unique():
    codes = [item["code"] for item in ITEMS]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    assert not dupes


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_item_shape(item):
    assert set(item) == KEYS
    code = item["code"]
    assert code.isascii()
    assert PLAN_CODE.match(code) or MH_CODE.match(code), code
    for key in ("text", "clause", "legal_basis", "evidence_hint"):
        assert isinstance(item[key], str) and item[key].strip(), key
    assert item["task"] is None or TASK.match(item["task"]), item["task"]
    for key in ("crowded_only", "territorial"):
        assert isinstance(item[key], bool), key
    assert isinstance(item["deadline_days"], int) and not isinstance(item["deadline_days"], bool)
    assert item["deadline_days"] >= 0


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_choice_values_valid(item):
    assert isinstance(item["site_types"], list) and item["site_types"]
    assert set(item["site_types"]) <= set(SiteType.values), item["site_types"]
    assert len(item["site_types"]) == len(set(item["site_types"]))
    assert isinstance(item["fuel"], list) and set(item["fuel"]) <= set(Fuel.values)
    assert isinstance(item["building"], list) and set(item["building"]) <= set(Building.values)
    assert item["disposition"] in Disposition.values
    assert item["severity"] in Severity.values


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_units_valid(item):
    assert isinstance(item["lead"], list) and item["lead"]
    assert isinstance(item["co"], list)
    assert set(item["lead"]) <= ALLOWED_UNITS, item["lead"]
    assert set(item["co"]) <= ALLOWED_UNITS, item["co"]
    # the five brigades are always routed through "@fire", never listed one by one
    assert not set(item["lead"] + item["co"]) & set(FIRE_BRIGADES)
    assert not set(item["lead"]) & set(item["co"])


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_measure_valid(item):
    measure = item["measure"]
    if measure is None:
        return
    assert isinstance(measure, dict)
    assert set(measure) <= {"quantity", "label", "unit", "op", "limit", "exempt_if"}
    assert {"quantity", "label", "unit", "op", "limit"} <= set(measure)
    assert measure["op"] in Op.values
    assert isinstance(measure["limit"], (int, float)) and not isinstance(measure["limit"], bool)
    assert isinstance(measure["quantity"], str) and measure["quantity"].isidentifier()
    if "exempt_if" in measure:
        assert isinstance(measure["exempt_if"], str) and measure["exempt_if"].isidentifier()


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_deadline_consistent_with_disposition(item):
    if item["disposition"] in SAME_DAY:
        assert item["deadline_days"] == 0
    if item["disposition"] == Disposition.RECTIFY_BY_DEADLINE:
        assert item["deadline_days"] > 0


@pytest.mark.parametrize("paragraph", PARAGRAPHS)
def test_every_paragraph_covered(paragraph):
    items = [item for item in ITEMS if item["task"] == paragraph]
    assert items, paragraph
    clause = paragraph.replace("(", "（").replace(")", "）")
    assert all(item["clause"] == clause for item in items if item["code"].startswith("P"))


def test_plan_items_clause_matches_code():
    cn = "一二三四五六七"
    for item in ITEMS:
        if not item["code"].startswith("P"):
            continue
        sec, sub, num = item["code"][1:].split("-")[0].split(".")
        assert item["task"] == f"{cn[int(sec) - 1]}({cn[int(sub) - 1]}){num}", item["code"]
        assert item["territorial"] is True


def test_major_hazard_items():
    mh = [item for item in ITEMS if item["code"].startswith("MH")]
    expected = {"MH4-1", "MH4-2", "MH4-3", "MH4-4", "MH4-5", "MH5-1", "MH5-2",
                "MH6-1", "MH6-2", "MH7-1", "MH7-2", "MH9-1", "MH9-2", "MH9-3", "MH9-4"}
    assert {item["code"] for item in mh} == expected
    for item in mh:
        assert item["severity"] == Severity.MAJOR
        assert item["clause"].startswith("建城规〔2023〕4号 第")
        assert item["lead"] in (["区城市管理委"], ["区市场监管局"])
    assert by_code("MH7-1")["lead"] == ["区市场监管局"]
    assert by_code("MH9-1")["clause"] == "建城规〔2023〕4号 第九条（一）"
    for code in ("MH9-1", "MH9-2", "MH9-3", "MH9-4"):
        assert "书面" in by_code(code)["text"]


def test_hose_length_item():
    hits = [
        item for item in ITEMS
        if item["measure"]
        and item["measure"]["quantity"] == "hose_length_m"
        and item["measure"]["limit"] == 2.0
        and item["measure"]["op"] == Op.LE
        and "restaurant" in item["site_types"]
        and item["lead"] == ["@fire"]
        and "区商务和投促局" in item["co"]
        and item["territorial"] is True
    ]
    assert hits


def test_stored_lpg_item():
    hits = [
        item for item in ITEMS
        if item["measure"]
        and item["measure"]["quantity"] == "lpg_stored_kg"
        and item["measure"]["op"] == Op.LE
        and item["measure"]["limit"] == 100
        and item["measure"].get("exempt_if") == "has_cylinder_room"
        and "restaurant" in item["site_types"]
        and item["fuel"] == ["lpg"]
    ]
    assert hits


def test_lpg_in_high_rise_item_is_major():
    hits = [
        item for item in ITEMS
        if item["fuel"] == ["lpg"]
        and set(item["building"]) == {"high_rise", "underground", "semi_underground", "large_store"}
        and "restaurant" in item["site_types"]
    ]
    assert hits and all(item["severity"] == Severity.MAJOR for item in hits)


def test_fire_led_paragraphs():
    for item in ITEMS:
        if item["task"] in {"二(一)7", "二(四)1", "二(四)2", "二(四)4"} and item["code"].startswith("P"):
            assert item["lead"] == ["@fire"], item["code"]


def test_crowded_only_only_for_crowded_places_rule():
    for item in ITEMS:
        assert item["crowded_only"] == (item["task"] == "二(四)4"), item["code"]
