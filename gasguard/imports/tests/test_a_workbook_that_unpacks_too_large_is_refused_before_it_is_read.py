"""An .xlsx is a zip: a small upload can unpack to a hundred megabytes of XML and hold a web process's CPU for most
of a minute. What it unpacks to is checked before the file is opened, and the rows of the data sheet — blank ones
too — are capped; either answers in Chinese and imports nothing."""
import io
import zipfile

from django.core.files.base import ContentFile
from django.test import override_settings

from gasguard import testing
from gasguard.cylinders import bulk
from gasguard.imports.models import ImportJob, JobState, Kind
from gasguard.imports.runner import run_job
from gasguard.org.models import Enterprise
from gasguard.testing import api_client

from .helpers import ENTERPRISE_HEADERS, client_for, upload, xlsx


def bloated(data: bytes, padding_bytes: int) -> io.BytesIO:
    """The workbook with one more member of zeros: it compresses to almost nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member in source.infolist():
            z.writestr(member, source.read(member))
        z.writestr("xl/media/padding.bin", b"\0" * padding_bytes)
    return io.BytesIO(out.getvalue())


def enterprise_rows(n):
    return [[f"企业{i}", testing.credit_code(), "燃气用户", "", "", "", "", testing.STREET_A] for i in range(n)]


def enterprises_xlsx(rows) -> bytes:
    return xlsx(ENTERPRISE_HEADERS, rows).read()


@override_settings(IMPORTS_MAX_UNPACKED_BYTES=1024 * 1024)
def test_an_upload_that_unpacks_past_the_cap_is_a_form_error(personas):
    file = bloated(enterprises_xlsx(enterprise_rows(2)), 3 * 1024 * 1024)
    assert len(file.getvalue()) < 64 * 1024
    file.name = "企业.xlsx"
    response = client_for(personas.office).post(f"/imports/upload/{Kind.ENTERPRISES}/", {"file": file})
    assert response.status_code == 400
    assert "解压后有 3 MB，超过上限 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(IMPORTS_MAX_UNPACKED_BYTES=1024 * 1024)
def test_a_job_whose_file_unpacks_past_the_cap_fails_unread(personas):
    job = ImportJob(user=personas.office, kind=Kind.ENTERPRISES, state=JobState.QUEUED)
    job.file.save("x.xlsx", ContentFile(bloated(enterprises_xlsx(enterprise_rows(2)), 3 << 20).getvalue()))
    job = run_job(job.pk)
    assert job.state == JobState.FAILED and "超过上限 1 MB" in job.message


@override_settings(IMPORTS_MAX_ROWS=10)
def test_blank_rows_count_towards_the_row_cap(personas):
    rows = enterprise_rows(2) + [[None] * len(ENTERPRISE_HEADERS)] * 20
    job = upload(personas.office, Kind.ENTERPRISES, xlsx(ENTERPRISE_HEADERS, rows))
    assert job.state == JobState.FAILED
    assert "超过 10 行（空行也计算在内）" in job.message
    assert not Enterprise.objects.filter(name__in=["企业0", "企业1"]).exists()


@override_settings(IMPORTS_MAX_UNPACKED_BYTES=1024 * 1024)
def test_the_cylinder_register_import_has_the_same_cap(personas):
    file = bloated(bulk.template(), 3 << 20)
    file.name = "cylinders.xlsx"
    r = api_client(personas.enterprise).post("/api/v1/cylinders/import/", {"file": file}, format="multipart")
    assert r.status_code == 400 and "超过上限 1 MB" in r.json()["file"][0]  # the file's own field, as for a non-workbook
