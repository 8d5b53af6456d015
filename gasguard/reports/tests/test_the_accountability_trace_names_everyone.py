"""责任倒查: one screen (and its Excel and API) names everyone who inspected, signed, rectified, verified and looked
back on a hazard or a set of hazards, with times; a street sees only its own area."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gasguard import testing
from gasguard.hazards import services as hazard_services
from gasguard.hazards.models import LookBack


@pytest.fixture
def story(personas):
    """A hose failure found by the inspector at site_a, rectified by the enterprise, closed by the street officer,
    looked back by the street officer; and a second hazard at site_b in street B, closed by street B."""
    p = personas
    _, (hazard,) = testing.inspect(p.site_a, p.inspector, {testing.HOSE: {"measured_value": "2.5"}})
    hazard = testing.close_hazard(hazard, p.enterprise, p.street_a)
    lookback = LookBack.objects.create(hazard=hazard, month="2099-01")
    hazard_services.record_lookback(lookback, by=p.street_a, rebound=False, note="复查无反弹")
    other = testing.register_hazard(p.site_b, p.street_b)
    other = testing.close_hazard(other, p.outsider, p.street_b)
    return hazard, other


def _people_and_steps(trace_json):
    return {(e["role"], e["person"]) for e in trace_json["people"]}


def test_the_api_lists_every_person_with_times(personas, story):
    hazard, _ = story
    data = testing.api_client(personas.office).get(f"/api/v1/accountability-trace/{hazard.pk}/").json()
    steps = _people_and_steps(data)
    assert ("检查", "检查员吴刚") in steps
    assert ("登记", "检查员吴刚") in steps
    assert ("整改", "餐饮郑红") in steps
    assert ("验收", "塘沽赵敏") in steps
    assert ("回头看", "塘沽赵敏") in steps
    inspection = next(e for e in data["people"] if e["role"] == "检查")
    assert inspection["signature"] == "检查员吴刚" and inspection["at"]
    times = [e["at"] for e in data["people"]]
    assert times == sorted(times)


def test_a_set_of_hazards_closed_by_one_verifier(personas, story):
    hazard, other = story
    client = testing.api_client(personas.office)
    rows = client.get(f"/api/v1/accountability-trace/?verified_by={personas.street_a.pk}").json()["results"]
    assert [r["number"] for r in rows] == [hazard.number]
    rows = client.get(f"/api/v1/accountability-trace/?person={personas.street_b.pk}").json()["results"]
    assert [r["number"] for r in rows] == [other.number]
    rows = client.get("/api/v1/accountability-trace/", {"verifier_name": "塘沽赵"}).json()["results"]
    assert [r["number"] for r in rows] == [hazard.number]
    rows = client.get("/api/v1/accountability-trace/", {"person_name": "检查员吴刚"}).json()["results"]
    assert [r["number"] for r in rows] == [hazard.number]


def test_a_street_sees_only_its_own_area(personas, story):
    hazard, other = story
    client = testing.api_client(personas.street_b)
    assert client.get(f"/api/v1/accountability-trace/{hazard.pk}/").status_code == 404
    numbers = [r["number"] for r in client.get("/api/v1/accountability-trace/").json()["results"]]
    assert numbers == [other.number]
    assert testing.api_client(None).get("/api/v1/accountability-trace/").status_code in (401, 403)


def test_the_page_and_its_excel(client, personas, story):
    hazard, other = story
    client.force_login(personas.street_a)
    page = client.get(reverse("trace"), {"id": hazard.pk})
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("检查员吴刚", "餐饮郑红", "塘沽赵敏"):
        assert name in html
    assert other.number not in client.get(reverse("trace")).content.decode()  # street B's hazard: out of scope

    xlsx = client.get(reverse("trace_export"), {"id": hazard.pk})
    wb = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    rows = list(wb["责任倒查"].iter_rows(values_only=True))
    assert rows[0][:3] == ("隐患编号", "所在对象", "属地")
    acts = {(r[7], r[9]) for r in rows[1:]}
    assert {("检查", "检查员吴刚"), ("整改", "餐饮郑红"), ("验收", "塘沽赵敏"), ("回头看", "塘沽赵敏")} <= acts
    assert {r[0] for r in rows[1:]} == {hazard.number}
    people = {r[0]: r for r in list(wb["经办人汇总"].iter_rows(values_only=True))[1:]}
    assert set(people) == {"检查员吴刚", "餐饮郑红", "塘沽赵敏"}


def test_the_hazard_page_links_to_its_trace(client, personas, story):
    hazard, _ = story
    client.force_login(personas.office)
    html = client.get(reverse("hazard", args=[hazard.pk])).content.decode()
    assert f'{reverse("trace")}?id={hazard.pk}' in html


def test_the_trace_list_has_a_fixed_number_of_queries(personas, story, django_assert_max_num_queries):
    for _ in range(3):
        testing.close_hazard(testing.register_hazard(personas.site_a, personas.street_a), personas.enterprise,
                             personas.street_a)
    client = testing.api_client(personas.office)
    with django_assert_max_num_queries(12):
        rows = client.get("/api/v1/accountability-trace/").json()["results"]
    assert len(rows) == 5


def test_the_people_summary_counts_hazards_not_acts(personas, story):
    from gasguard.hazards.models import Hazard
    from gasguard.reports import trace

    hazard, _ = story
    rows = {r["person"]: r for r in trace.people(Hazard.objects.filter(pk=hazard.pk))}
    assert rows["餐饮郑红"]["整改"] == 1  # started and submitted: one hazard rectified
    assert rows["塘沽赵敏"]["验收"] == 1 and rows["塘沽赵敏"]["回头看"] == 1
    assert rows["检查员吴刚"]["检查"] == 1 and rows["检查员吴刚"]["登记"] == 1


def test_a_bad_filter_says_what_is_wrong(client, personas, story):
    assert testing.api_client(personas.office).get("/api/v1/accountability-trace/?id=abc").status_code == 400
    client.force_login(personas.office)
    page = client.get(reverse("trace"), {"id": "abc", "closed_after": "2024-13-01"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="alert"' in html and "销号日期从" in html
