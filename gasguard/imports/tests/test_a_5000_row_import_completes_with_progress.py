"""5,000 sites in one file: validated, then written in one transaction, with the progress reaching the total."""
import time

from gasguard.audit.models import AuditRecord
from gasguard.sites.models import Site

from .helpers import SITE_HEADERS, client_for, upload, xlsx

ROWS = 5000


def test_5000_sites_import_with_progress_reaching_the_total(personas):
    grids = ["120116-S01-C1-G1", "120116-S01-C1-G2", "120116-S01-C2-G1", "塘沽第二社区第2网格"]
    rows = [[f"批量导入餐馆{i:05d}", "餐饮企业" if i % 2 else "restaurant", grids[i % 4], f"塘沽区批量路{i}号",
             39.0 + i / 1e5, 117.6 + i / 1e5, "瓶装液化石油气", "", i % 200, "否", "否", "店长", "13800000000", ""]
            for i in range(ROWS)]
    file = xlsx(SITE_HEADERS, rows, name="五千个对象.xlsx")
    sites_before, audit_before = Site.objects.count(), AuditRecord.objects.count()
    started = time.perf_counter()
    job = upload(personas.street_a, "sites", file)
    elapsed = time.perf_counter() - started
    print(f"\n5,000-row site import: {elapsed:.2f} s")
    assert job.state == "done", job.error_lines()[:5]
    assert (job.total_rows, job.processed_rows, job.created_count, job.existing_count) == (ROWS, ROWS, ROWS, 0)
    assert Site.objects.count() == sites_before + ROWS
    assert AuditRecord.objects.count() == audit_before + 1
    status = client_for(personas.street_a).get(f"/imports/{job.pk}/status.json").json()
    assert (status["state"], status["processed_rows"], status["total_rows"], status["percent"], status["finished"]) == (
        "done", ROWS, ROWS, 100, True)
