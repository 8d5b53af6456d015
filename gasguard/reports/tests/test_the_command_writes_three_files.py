"""`gasguard report district --month YYYY-MM --out DIR` writes the Word, PDF and Excel files; a bad month is a
clear error."""
import pytest
from django.core.management import CommandError, call_command

from gasguard.utilities import clock


@pytest.mark.django_db
def test_the_command_writes_three_files(tmp_path, personas):
    month = clock.today().strftime("%Y-%m")
    call_command("report", "district", "--month", month, "--out", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"滨海新区燃气安全专项整治工作月报-{month}.{ext}" for ext in ("docx", "pdf", "xlsx")]
    assert (tmp_path / names[1]).read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_a_bad_month_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="月份格式应为 YYYY-MM"):
        call_command("report", "district", "--month", "24-1", "--out", str(tmp_path))
    assert not any(tmp_path.iterdir())


@pytest.mark.django_db
def test_without_libreoffice_the_pdf_is_drawn_with_reportlab(personas, settings):
    from gasguard.reports import services

    from .readback import pdf_text

    settings.REPORTS_SOFFICE = ""  # as on a machine without LibreOffice
    report = services.build(clock.today().strftime("%Y-%m"))
    assert report.pdf_engine.startswith("reportlab")
    assert "滨海新区燃气安全专项整治工作月报" in pdf_text(report.pdf).replace(" ", "")
