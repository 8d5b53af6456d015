"""The task and organisation data must match the Binhai work plan.

Plain pytest, no database: the plan text (data/work-plan.zh.txt) is parsed here on its own,
and TASKS / DEPARTMENTS / JURISDICTIONS are checked against it.
"""

import re
from pathlib import Path

import pytest

from gasguard.campaign.data.tasks import TASKS
from gasguard.org.data.binhai import DEPARTMENTS, JURISDICTIONS

PLAN = Path(__file__).parents[1] / "data" / "work-plan.zh.txt"

SECTION_RE = re.compile(r"^([一二三四五六七八九十]+)、")
SUBSECTION_RE = re.compile(r"^（([一二三四五六七八九十]+)）(.+)$")
PARAGRAPH_RE = re.compile(r"^(\d+)\.(.+)$")
UNIT_LIST_RE = re.compile(r"（([^（）]*)）$")  # a full-width parenthesised list ending the paragraph
DEPARTMENT_RE = re.compile(r"(委|局|办|支队|分局)$")
LEAD = "牵头"
SHARE = "按职责分工负责"


def split_units(unit_list: str) -> dict:
    """Derive lead/co/zones/streets/others from a unit list such as
    '区城市管理委牵头、区发展改革委、区农业农村委按职责分工负责、各开发区、各街镇'."""
    items = [item.strip() for item in re.split(r"[、，,]", unit_list) if item.strip()]
    has_lead = any(item.endswith(LEAD) for item in items)
    result = {"lead": [], "co": [], "zones": False, "streets": False, "others": []}
    after_lead = False
    for item in items:
        name = item
        marks_lead = name.endswith(LEAD)
        name = name.removesuffix(LEAD).removesuffix(SHARE).strip()
        if name == "各开发区":
            result["zones"] = True
        elif name == "各街镇":
            result["streets"] = True
        elif not DEPARTMENT_RE.search(name):
            result["others"].append(name)
        elif has_lead and after_lead:
            result["co"].append(name)
        else:
            # before 牵头, or no 牵头 at all: every department named leads
            result["lead"].append(name)
        if marks_lead:
            after_lead = True
    return result


def parse_plan() -> list[dict]:
    section = subsection = heading = None
    paragraphs = []
    for raw in PLAN.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if m := SECTION_RE.match(line):
            section = m.group(1)
            continue
        if section not in ("二", "三"):
            continue
        if m := SUBSECTION_RE.match(line):
            subsection, heading = m.groups()
            continue
        if m := PARAGRAPH_RE.match(line):
            number, body = m.groups()
            units = UNIT_LIST_RE.search(body)
            paragraph = {
                "code": f"{section}({subsection}){number}",
                "section": section,
                "group": heading,
                "line": line,
                "body": body[: units.start()] if units else body,
            }
            paragraph.update(split_units(units.group(1) if units else ""))
            paragraphs.append(paragraph)
    return paragraphs


PARSED = parse_plan()
PARSED_BY_CODE = {p["code"]: p for p in PARSED}


def test_plan_has_44_numbered_tasks():
    assert len(PARSED) == 44
    assert sum(p["section"] == "二" for p in PARSED) == 25
    assert sum(p["section"] == "三" for p in PARSED) == 19


def test_task_codes_match_plan_in_order():
    assert [t["code"] for t in TASKS] == [p["code"] for p in PARSED]


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t["code"])
def test_task_matches_paragraph(task):
    paragraph = PARSED_BY_CODE[task["code"]]
    assert task["section"] == paragraph["section"]
    assert task["group"] == paragraph["group"]
    for key in ("lead", "co", "zones", "streets", "others"):
        assert task[key] == paragraph[key], key
    assert task["text"], "empty text"
    assert task["text"] in paragraph["line"]
    assert paragraph["body"].startswith(task["text"])
    assert 0 < len(task["title"]) <= 30


def test_tasks_without_units():
    for code in ("三(七)1", "三(七)2"):
        task = next(t for t in TASKS if t["code"] == code)
        assert task["lead"] == [] and task["co"] == []
        assert not task["zones"] and not task["streets"] and task["others"] == []


def test_task_keys():
    keys = {"code", "section", "group", "title", "text", "lead", "co", "zones", "streets", "others"}
    for task in TASKS:
        assert set(task) == keys, task["code"]


# --- departments -----------------------------------------------------------------------------


def _member_units() -> list[str]:
    """Member units listed in 五(一), minus the jurisdictions (管委会, 街道办事处, 镇人民政府)."""
    text = PLAN.read_text(encoding="utf-8")
    m = re.search(r"成员单位有：(.+?)。", text)
    assert m, "member list of 五(一) not found"
    units = [u.strip() for u in re.split(r"[、，,；;]", m.group(1)) if u.strip()]
    return [u for u in units if not re.match(r"^各", u)]


def test_departments_are_the_member_units_of_section_5_1():
    assert [d["name"] for d in DEPARTMENTS] == _member_units()


def test_department_count_and_fire_group():
    # 五(一) lists 24 departments (18 区 units incl. 区委网信办, 5 fire brigades, 市规资局滨海分局).
    assert len(DEPARTMENTS) == 24
    assert sum(d["group"] == "fire" for d in DEPARTMENTS) == 5
    assert all(d["name"].endswith("消防救援支队") == (d["group"] == "fire") for d in DEPARTMENTS)


def test_department_fields():
    codes = [d["code"] for d in DEPARTMENTS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", c) for c in codes)
    spellings = [s for d in DEPARTMENTS for s in [d["name"], *d["aliases"]]]
    assert len(spellings) == len(set(spellings))
    offices = [d["name"] for d in DEPARTMENTS if d["is_office"]]
    assert offices == ["区城市管理委"]
    by_code = {d["code"]: d for d in DEPARTMENTS}
    assert by_code["cgw"]["name"] == "区城市管理委"
    assert by_code["scjg"]["name"] == "区市场监管局"
    assert {c for c in by_code if c.startswith("fire-")} == {"fire-bh", "fire-jk", "fire-bs", "fire-gx", "fire-tq"}


def test_every_task_unit_resolves_to_a_department():
    known = {s for d in DEPARTMENTS for s in [d["name"], *d["aliases"]]}
    named = {u for t in TASKS for u in t["lead"] + t["co"]}
    assert named - known == set()


def test_aliases_appear_in_plan():
    text = PLAN.read_text(encoding="utf-8")
    for d in DEPARTMENTS:
        for alias in d["aliases"]:
            assert alias in text, alias


def test_fire_territories_exist():
    codes = {j["code"] for j in JURISDICTIONS}
    by_code = {d["code"]: d for d in DEPARTMENTS}
    for d in DEPARTMENTS:
        assert set(d["territory"]) <= codes, d["code"]
        if d["group"] != "fire":
            assert d["territory"] == []
    assert by_code["fire-bh"]["territory"] == ["120116"]
    assert by_code["fire-tq"]["territory"] == []
    names = {j["code"]: j["short"] for j in JURISDICTIONS}
    assert [names[c] for c in by_code["fire-jk"]["territory"]] == ["经开区"]
    assert [names[c] for c in by_code["fire-bs"]["territory"]] == ["保税区"]
    assert [names[c] for c in by_code["fire-gx"]["territory"]] == ["高新区"]


# --- jurisdictions ---------------------------------------------------------------------------


def test_jurisdiction_tree():
    codes = [j["code"] for j in JURISDICTIONS]
    assert len(codes) == len(set(codes))
    by_code = {j["code"]: j for j in JURISDICTIONS}
    levels = ["district", "zone", "street", "community", "grid"]
    parent_level = {"zone": "district", "street": "district", "community": ("zone", "street"), "grid": "community"}
    for j in JURISDICTIONS:
        assert j["level"] in levels
        if j["level"] == "district":
            assert j["parent"] is None
            continue
        assert j["parent"] in by_code, j["code"]
        assert by_code[j["parent"]]["level"] in parent_level[j["level"]], j["code"]
        assert j["code"].startswith(j["parent"] + "-")
    count = {level: sum(j["level"] == level for j in JURISDICTIONS) for level in levels}
    assert count["district"] == 1 and count["zone"] == 5 and count["street"] == 21
    assert count["community"] == 2 * 26 and count["grid"] == 4 * 26
    root = by_code["120116"]
    assert root["name"] == "滨海新区" and root["level"] == "district"
    assert [by_code[f"120116-Z{i}"]["short"] for i in range(1, 6)] == ["经开区", "保税区", "高新区", "东疆", "生态城"]


def test_jurisdiction_coordinates_are_in_binhai():
    for j in JURISDICTIONS:
        assert 38.5 < j["lat"] < 39.5 and 117.1 < j["lon"] < 118.1, j["code"]
        assert j["radius_km"] > 0, j["code"]
