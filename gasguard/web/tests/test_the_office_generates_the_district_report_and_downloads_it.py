"""The office picks a month on 区级月报, the report is produced by the job worker with a progress bar, and the Word
file downloads: it opens with python-docx and carries the title and the month's ledger figures. The trace page of
a hazard is one click from the hazard page."""
import io
import re

from docx import Document
from playwright.sync_api import expect

from gasguard import testing
from gasguard.utilities import clock

from .helpers import log_in


def test_the_office_generates_the_district_report_and_downloads_it(page, cast, shot, tmp_path, job_worker):
    closed = testing.close_hazard(testing.register_hazard(cast.site_a, cast.inspector, testing.HOSE),
                                  cast.enterprise, cast.street_a)
    testing.register_hazard(cast.site_b, cast.street_b, testing.DECANTING)
    month = clock.today().strftime("%Y-%m")

    log_in(page, cast.office, path="/reports/")
    expect(page.get_by_role("heading", name="区级月报", exact=True)).to_be_visible()
    page.get_by_label("月份").fill(month)
    page.get_by_role("button", name="生成", exact=True).click()
    expect(page).to_have_url(re.compile(r"/reports/runs/\d+/$"))
    download_link = page.locator("#download-docx")
    expect(download_link).to_be_visible(timeout=60_000)  # the progress page reloads itself when the run ends
    shot(page, "run-done")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"滨海新区燃气安全专项整治工作月报-{month}.docx"
    path = tmp_path / "report.docx"
    download.save_as(path)
    doc = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "滨海新区燃气安全专项整治工作月报" in text
    assert "累计发现隐患2项，已销号1项" in text

    page.goto("/reports/")
    expect(page.locator("#runs tbody tr").first).to_contain_text(month)
    shot(page, "reports")

    page.goto(f"/hazards/{closed.pk}/")
    page.locator("#trace-link").click()
    expect(page.locator(".trace-hazard")).to_have_count(1)
    expect(page.locator("#trace-people")).to_contain_text(cast.street_a.display_name)
    shot(page, "trace")
