"""`gasguard bench ledger` keeps working: its generator and its measurements run at a tiny scale on the test
database (which already holds the reference data) and give a report with every key and sensible values."""
import pytest
from django.db import connection

from gasguard.bench import ledger
from gasguard.hazards.choices import State
from gasguard.hazards.models import Hazard, HazardEvent
from gasguard.inspections.models import Inspection
from gasguard.sites.models import Site

HAZARDS = 2000
REPEATS = 2


@pytest.mark.django_db
def test_bench_ledger_runs():
    # fast=False: foreign keys are enforced during the load here, and checked below.
    result = ledger.run_inprocess(HAZARDS, repeats=REPEATS, warmup=0, export_targets=(30, 120), fast=False,
                                  verify_export=True, log=lambda msg: None)
    connection.check_constraints()

    # The district behind the figures.
    assert Hazard.objects.count() == HAZARDS
    assert Site.objects.count() == result["rows"]["sites_site"] > 0
    assert Inspection.objects.count() == result["rows"]["inspections_inspection"] > 0
    assert HazardEvent.objects.count() >= HAZARDS
    assert set(Hazard.objects.values_list("state", flat=True)) == set(State.values)
    assert Hazard.objects.overdue().exists() and Hazard.objects.filter(severity="major").exists()
    assert not Hazard.objects.filter(state=State.CLOSED, closed_at__isnull=True).exists()
    assert sorted(Hazard.objects.values_list("number", flat=True))[0].startswith("YH")
    new = Hazard(site=Site.objects.first(), jurisdiction_id=Site.objects.first().jurisdiction_id, description="x",
                 severity="general", lead_unit_id=Hazard.objects.first().lead_unit_id, responsible_party="x",
                 responsible_person="x", deadline=Hazard.objects.first().deadline, number="after-the-bench",
                 found_by_id=Hazard.objects.first().found_by_id)
    new.save()  # the sequences were moved past the loaded ids
    assert new.pk > max(Hazard.objects.exclude(pk=new.pk).values_list("pk", flat=True))

    # The report.
    for key in ("db", "hardware", "hazards", "generate_s", "dashboard", "dashboard_street", "list", "list_street",
                "hazard_page", "hazard_page_street", "export_10k", "export_100k", "distribution", "goals"):
        assert key in result, key
    assert result["db"] == connection.vendor and result["hazards"] == HAZARDS and result["generate_s"] > 0
    assert result["hardware"]["cores"] >= 1 and result["hardware"]["cpu_model"]
    timed = [result["dashboard"], result["dashboard_street"], result["hazard_page"], result["hazard_page_street"],
             *result["list"].values(), *result["list_street"].values()]
    for t in timed:
        assert 0 < t["p50_ms"] <= t["p95_ms"] <= t["max_ms"] and t["n"] == REPEATS and t["queries"] > 0
    assert set(result["list"]) == {f"{name}_p{page}" for name in ("all", "open_rectifying", "major", "street",
                                                                  "overdue", "combined") for page in (1, 50)}
    assert result["list"]["all_p1"]["rows"] == HAZARDS
    assert 0 < result["list"]["overdue_p1"]["rows"] < HAZARDS
    assert 0 < result["list_street"]["all_p1"]["rows"] < HAZARDS
    for key, target in (("export_10k", 30), ("export_100k", 120)):
        export = result[key]
        assert export["target_rows"] == target and target <= export["rows"] < HAZARDS  # verified in the file too
        assert export["seconds"] > 0 and export["peak_mb"] > 0 and export["bytes"] > 0

    # The scaling ratios, between two runs (here the same one twice).
    s = ledger.scaling(result, result)
    assert s["list_1m_over_100k"] == 1.0 and s["dashboard_1m_over_100k"] == 1.0 and s["met"]
