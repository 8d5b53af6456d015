"""Access on the campaign pages: a unit sees and edits only its own reports and orders; the office sees all and
is the only one to return a report, issue orders and circulars, or record admonitions."""
from datetime import timedelta

import pytest
from django.test import Client

from gasguard.campaign import services
from gasguard.campaign.models import (
    Admonition,
    Circular,
    MonthlyReport,
    Notice,
    SupervisionOrder,
    TaskProgress,
)
from gasguard.campaign.units import user_unit
from gasguard.utilities import clock

FILLED = {"work_done": "入户检查", "problems": "无", "next_plan": "继续", "responsible_name": "甲",
          "responsible_phone": "1", "liaison_name": "乙", "liaison_phone": "2"}


def client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def report_a(personas):
    return services.open_report(services.default_campaign(), user_unit(personas.street_a), "2024-03")


def test_a_street_opens_its_own_report_prefilled(personas):
    c = client(personas.street_a)
    r = c.get("/campaign/my/2024-03/")
    assert r.status_code == 302
    page = c.get(r.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "塘沽街道" in html and 'data-figure="hazards_found"' in html and "工作开展情况" in html


def test_another_street_gets_404_and_cannot_post(personas, report_a):
    c = client(personas.street_b)
    assert c.get(f"/campaign/reports/{report_a.pk}/").status_code == 404
    assert c.post(f"/campaign/reports/{report_a.pk}/", {"action": "submit", **FILLED}).status_code == 404
    assert c.get(f"/campaign/reports/{report_a.pk}/v1/").status_code == 404
    assert MonthlyReport.objects.get(pk=report_a.pk).version == 0
    # enterprises and inspectors have no campaign pages
    for user in (personas.enterprise, personas.inspector):
        assert client(user).get("/campaign/").status_code == 404
        assert client(user).get("/campaign/my/2024-03/").status_code == 404


def test_submit_then_office_returns_through_the_pages(personas, report_a):
    url = f"/campaign/reports/{report_a.pk}/"
    assert client(personas.street_a).post(url, {"action": "submit", **FILLED}).status_code == 302
    # a unit cannot return its own report
    assert client(personas.street_a).post(url, {"action": "return", "comment": "x"}).status_code == 403
    office = client(personas.office)
    page = office.get(url).content.decode()
    assert "退回修改" in page
    r = office.post(url, {"action": "return", "comment": ""})
    assert "请填写退回意见" in r.content.decode()
    office.post(url, {"action": "return", "comment": "请补充"})
    assert MonthlyReport.objects.get(pk=report_a.pk).state == "returned"
    assert Notice.objects.filter(unit_key=user_unit(personas.street_a).key, kind="returned").exists()
    assert client(personas.street_a).post(url, {"action": "submit", **FILLED}).status_code == 302
    assert list(MonthlyReport.objects.get(pk=report_a.pk).versions.values_list("number", flat=True)) == [1, 2]
    board = office.get("/campaign/?to=2024-03").content.decode()
    assert f'data-unit="{user_unit(personas.street_a).key}" data-month="2024-03"' in board


def test_the_board_is_the_offices(personas):
    assert "各单位月报报送情况" in client(personas.office).get("/campaign/").content.decode()
    assert "各单位月报报送情况" not in client(personas.street_a).get("/campaign/").content.decode()


def test_supervision_orders_are_the_units_own(personas):
    office = client(personas.office)
    street_a, street_b = user_unit(personas.street_a), user_unit(personas.street_b)
    deadline = (clock.today() + timedelta(days=5)).isoformat()
    r = client(personas.street_a).post("/campaign/supervision/", {"unit": street_b.key, "reason": "x",
                                                                  "deadline": deadline})
    assert r.status_code == 404
    r = office.post("/campaign/supervision/", {"unit": street_a.key, "reason": "任务推进缓慢",
                                               "deadline": deadline})
    order = SupervisionOrder.objects.get(reason="任务推进缓慢")
    assert r.status_code == 302 and order.jurisdiction == street_a.obj
    assert client(personas.street_b).get(f"/campaign/supervision/{order.pk}/").status_code == 404
    assert order.number not in client(personas.street_b).get("/campaign/supervision/").content.decode()
    client(personas.street_a).post(f"/campaign/supervision/{order.pk}/", {"action": "respond",
                                                                          "response": "已部署整改"})
    order.refresh_from_db()
    assert order.state == "answered" and order.response == "已部署整改"
    r = office.post("/campaign/supervision/", {"unit": street_a.key, "reason": "x", "deadline": deadline,
                                               "hazards": "YH-NOT-THERE"})
    assert "隐患编号不存在：YH-NOT-THERE" in r.content.decode()


def test_circulars_and_admonitions_are_the_offices_to_make(personas):
    street_a = user_unit(personas.street_a)
    assert client(personas.street_a).post("/campaign/circulars/", {"month": "2024-03"}).status_code == 404
    r = client(personas.office).post("/campaign/circulars/", {"month": "2024-03"})
    c = Circular.objects.get()
    assert r.status_code == 302 and street_a.name in c.body and "月报逾期未报" in c.body
    assert client(personas.street_a).get(f"/campaign/circulars/{c.pk}/").status_code == 200
    assert client(personas.street_a).post("/campaign/admonitions/", {"unit": street_a.key}).status_code == 404
    client(personas.office).post("/campaign/admonitions/", {
        "unit": street_a.key, "held_on": "2024-04-02", "people": "张某 街道办副主任", "reasons": "整改率低",
        "commitments": "一个月内清零"})
    assert Admonition.objects.get().unit_key == street_a.key
    assert "整改率低" in client(personas.street_a).get("/campaign/admonitions/").content.decode()
    assert "整改率低" not in client(personas.street_b).get("/campaign/admonitions/").content.decode()


def test_task_progress_only_on_the_units_tasks(personas):
    campaign = services.default_campaign()
    market = user_unit(personas.market)
    mine = campaign.tasks.filter(market.task_q()).first()
    other = campaign.tasks.exclude(market.task_q()).first()
    c = client(personas.market)
    c.post("/campaign/tasks/", {"task": mine.pk, "status": "in_progress", "percent": "40", "text": "已检查充装站12家"})
    c.post("/campaign/tasks/", {"task": mine.pk, "status": "in_progress", "percent": "60", "text": "又检查8家"})
    assert list(TaskProgress.objects.filter(task=mine).values_list("percent", flat=True)) == [60, 40]  # history
    assert c.post("/campaign/tasks/", {"task": other.pk, "status": "done", "text": "x"}).status_code == 404
    assert c.get(f"/campaign/tasks/{other.pk}/").status_code == 404
    page = c.get("/campaign/tasks/").content.decode()
    assert mine.title in page and "又检查8家" in page
    r = c.post("/campaign/tasks/", {"task": mine.pk, "status": "done", "percent": "120", "text": "x"},
               follow=True)
    assert "完成比例应为0到100的整数" in r.content.decode()
