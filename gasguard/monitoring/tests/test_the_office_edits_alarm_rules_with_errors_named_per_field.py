"""The alarm rules page (/monitoring/rules/): everyone signed in reads the rules by device kind with their set
points; only the office changes them, each field checked with a Chinese message naming it, each change audited
(before and after) and taken up by the evaluation."""
import json

import pytest
from django.test import Client

from gasguard.audit.models import AuditRecord
from gasguard.audit.services import verify
from gasguard.monitoring import evaluation
from gasguard.monitoring.models import Alarm, AlarmRule

from .helpers import base_time, make_device, reading, send


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _rule(code):
    return AlarmRule.objects.get(code=code)


@pytest.mark.django_db
def test_the_rules_are_listed_by_device_kind_with_their_set_points(personas):
    r = _client(personas.enterprise).get("/monitoring/rules/")
    assert r.status_code == 200
    groups = [(g["kinds"], [rule.code for rule in g["rules"]]) for g in r.context["groups"]]
    # The five methane detectors follow the same rules: one table for them, one for each meter.
    assert groups == [
        (["underground_methane", "valve_well", "manhole", "kitchen_detector", "laser_methane"],
         ["ch4_level1", "ch4_level2", "low_battery", "ch4_rate", "ch4_repeat", "silence"]),
        (["pressure_meter"], ["low_battery", "pressure_band", "silence"]),
        (["flow_meter"], ["low_battery", "silence"])]
    html = r.content.decode()
    assert "ch4_lel ≥ 25 %LEL，持续 60 秒" in html and "ch4_lel ≥ 50 %LEL" in html
    assert "pressure_mpa 超出 0.1 MPa – 0.4 MPa，持续 30 秒" in html
    assert "0.01 MPa" in html  # the band's margin
    assert "连续 3 个上报周期无数据" in html and "ch4_lel ≥ 25 %LEL，600 秒内 3 次" in html
    assert "/edit/" not in html  # an enterprise reads, the office edits
    assert "/edit/" in _client(personas.office).get("/monitoring/rules/").content.decode()


@pytest.mark.django_db
def test_the_office_changes_a_set_point_and_the_change_is_audited_and_applied(personas):
    rule = _rule("ch4_level1")
    office = _client(personas.office)
    form = office.get(f"/monitoring/rules/{rule.pk}/edit/").context["form"]
    assert list(form.fields) == ["threshold", "hysteresis", "duration_s", "is_active"]  # a level rule, not a band
    r = office.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "20", "hysteresis": "4", "duration_s": "30",
                                                          "is_active": "on"})
    assert r.status_code == 302 and r["Location"] == "/monitoring/rules/"
    rule.refresh_from_db()
    assert (rule.threshold, rule.hysteresis, rule.duration_s, rule.is_active, rule.op) == (20.0, 4.0, 30, True, "ge")
    rec = AuditRecord.objects.get(action="alarm_rule.update", object_id=str(rule.pk))
    data = json.loads(rec.data)
    assert rec.actor == personas.office
    assert (data["before"]["threshold"], data["after"]["threshold"]) == (25.0, 20.0)
    assert data["extra"]["changed"] == ["duration_s", "hysteresis", "threshold"]
    assert verify().ok
    # The same values again: nothing to audit.
    office.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "20", "hysteresis": "4", "duration_s": "30",
                                                      "is_active": "on"})
    assert AuditRecord.objects.filter(action="alarm_rule.update").count() == 1
    # The evaluation forgot its cached rules: 20 % LEL for 30 s is a first-level alarm now.
    evaluation.reset_cache()
    device = make_device()
    t0 = base_time()
    from datetime import timedelta
    send(device, *[reading(t0 + timedelta(seconds=s), ch4_lel=20.0) for s in range(0, 40, 10)])
    assert Alarm.objects.filter(device=device, alarm_type="ch4_level1").count() == 1


@pytest.mark.django_db
def test_bad_values_are_refused_with_the_field_named(personas):
    office = _client(personas.office)
    level1, level2 = _rule("ch4_level1"), _rule("ch4_level2")
    r = office.post(f"/monitoring/rules/{level1.pk}/edit/", {"threshold": "abc", "hysteresis": "", "duration_s": "-5"})
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert errors == {"threshold": ["阈值须为数字"], "hysteresis": ["请填写回差"], "duration_s": ["持续时间不能为负数"]}
    html = r.content.decode()
    assert "阈值须为数字" in html and "请填写回差" in html and 'aria-invalid="true"' in html

    cases = [
        (level1, {"threshold": "120", "hysteresis": "5", "duration_s": "60"}, "threshold", "阈值须大于 0 且不超过 100"),
        (level1, {"threshold": "55", "hysteresis": "5", "duration_s": "60"}, "threshold",
         "一级报警阈值须低于二级报警阈值（“甲烷浓度二级报警（≥50%LEL）”为 50）"),
        (level2, {"threshold": "20", "hysteresis": "5", "duration_s": "0"}, "threshold",
         "二级报警阈值须高于一级报警阈值（“甲烷浓度一级报警（≥25%LEL，持续60秒）”为 25）"),
        (level1, {"threshold": "25", "hysteresis": "25", "duration_s": "60"}, "hysteresis",
         "回差须小于阈值，否则读数降到 0 也无法恢复"),
        (level1, {"threshold": "25", "hysteresis": "5", "duration_s": "100000"}, "duration_s",
         "持续时间须为 0 至 86400 秒"),
        (_rule("pressure_band"), {"threshold": "0.4", "low": "0.5", "hysteresis": "0.01", "duration_s": "30"}, "low",
         "区间下限须小于阈值（区间上限）"),
        (_rule("pressure_band"), {"threshold": "0.4", "low": "0.1", "hysteresis": "0.2", "duration_s": "30"},
         "hysteresis", "回差须小于区间宽度的一半，否则读数回到区间内也无法恢复"),
        (_rule("ch4_repeat"), {"threshold": "25", "hysteresis": "5", "repeat_count": "1", "window_s": "600"},
         "repeat_count", "时间窗内超限次数须为 2 至 100"),
        (_rule("ch4_rate"), {"threshold": "10", "window_s": "0"}, "window_s", "时间窗须为 1 至 86400 秒"),
        (_rule("silence"), {"intervals": "0"}, "intervals", "无数据的上报周期数须为 1 至 1000"),
        (_rule("low_battery"), {"threshold": "98", "hysteresis": "5", "duration_s": "0"}, "hysteresis",
         "阈值加回差不能超过 100，否则读数无法恢复"),
    ]
    for rule, data, field, message in cases:
        r = office.post(f"/monitoring/rules/{rule.pk}/edit/", {**data, "is_active": "on"})
        assert r.status_code == 400, (rule.code, data)
        assert r.context["form"].errors == {field: [message]}, (rule.code, data)
        assert message in r.content.decode()
    # Nothing was saved, nothing audited.
    assert _rule("ch4_level1").threshold == 25.0 and _rule("ch4_level2").threshold == 50.0
    assert not AuditRecord.objects.filter(action="alarm_rule.update").exists()


@pytest.mark.django_db
def test_a_rule_is_switched_off_and_on(personas):
    rule = _rule("low_battery")
    office = _client(personas.office)
    office.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "20", "hysteresis": "5", "duration_s": "0"})
    assert not _rule("low_battery").is_active
    assert "停用" in office.get("/monitoring/rules/").content.decode()
    office.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "20", "hysteresis": "5", "duration_s": "0",
                                                      "is_active": "on"})
    assert _rule("low_battery").is_active
    assert AuditRecord.objects.filter(action="alarm_rule.update", object_id=str(rule.pk)).count() == 2


@pytest.mark.django_db
def test_only_the_office_edits_rules(personas):
    rule = _rule("ch4_level1")
    for user in (personas.enterprise, personas.street_a, personas.market, personas.inspector):
        c = _client(user)
        assert c.get("/monitoring/rules/").status_code == 200
        assert c.get(f"/monitoring/rules/{rule.pk}/edit/").status_code == 403
        assert c.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "1", "hysteresis": "0",
                                                            "duration_s": "0"}).status_code == 403
    assert _rule("ch4_level1").threshold == 25.0
    assert _client(personas.office).get("/monitoring/rules/999999/edit/").status_code == 404
    assert Client().get("/monitoring/rules/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_field_errors_follow_the_chosen_language(personas):
    rule = _rule("ch4_level1")
    office = _client(personas.office)
    office.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = office.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "", "hysteresis": "x", "duration_s": "60"})
    assert r.context["form"].errors == {"threshold": ["Please fill in Threshold"],
                                        "hysteresis": ["Hysteresis must be a number"]}
    office.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    r = office.post(f"/monitoring/rules/{rule.pk}/edit/", {"threshold": "", "hysteresis": "x", "duration_s": "60"})
    assert r.context["form"].errors["threshold"] == ["请填写阈值"]


@pytest.mark.django_db
def test_the_rules_api_is_checked_and_audited_the_same_way(personas):
    from gasguard import testing

    rule = _rule("ch4_level1")
    api = testing.api_client(personas.office)
    r = api.patch(f"/api/v1/alarm-rules/{rule.pk}/", {"threshold": 60.0}, format="json")
    assert r.status_code == 400 and "一级报警阈值须低于二级报警阈值" in r.json()["threshold"][0]
    r = api.patch(f"/api/v1/alarm-rules/{rule.pk}/", {"threshold": 30.0}, format="json")
    assert r.status_code == 200 and r.json()["threshold"] == 30.0
    rec = AuditRecord.objects.get(action="alarm_rule.update", object_id=str(rule.pk))
    assert rec.actor == personas.office and json.loads(rec.data)["extra"]["changed"] == ["threshold"]
    assert testing.api_client(personas.street_a).patch(f"/api/v1/alarm-rules/{rule.pk}/", {"threshold": 1.0},
                                                       format="json").status_code == 403
