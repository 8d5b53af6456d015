"""The notices and labels embed the configured TrueType font (so they print the same on any machine); a missing or
unusable font file is refused with an error that names the setting and the file."""
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from gasguard.cylinders import labels, notice

from . import helpers

pytestmark = pytest.mark.django_db


def test_the_label_sheet_embeds_the_font(gas):
    pdf = labels.label_sheet([helpers.cylinder(gas)])
    assert b"/FontFile2" in pdf  # an embedded TrueType font program
    assert b"STSong-Light" not in pdf


@override_settings(CYLINDER_PDF_FONT="")
def test_an_empty_setting_falls_back_to_the_cid_font(gas):
    pdf = labels.label_sheet([helpers.cylinder(gas)])
    assert b"STSong-Light" in pdf and b"/FontFile2" not in pdf


@override_settings(CYLINDER_PDF_FONT="/nonexistent/font.ttc#0")
def test_a_missing_font_file_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="PDF字体文件不存在：/nonexistent/font.ttc.*CYLINDER_PDF_FONT"):
        notice._font()


@override_settings(CYLINDER_PDF_FONT="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#0")
def test_a_cff_font_is_refused_with_the_reason():
    import os
    if not os.path.exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"):
        pytest.skip("fonts-noto-cjk not installed")
    with pytest.raises(ImproperlyConfigured, match="无法嵌入"):
        notice._font()


def test_without_the_default_font_package_the_cid_font_is_used_and_said_once(gas, monkeypatch, caplog):
    """A machine without fonts-wqy-zenhei (the default, an optional system package) still prints labels."""
    missing = "/nonexistent/wqy-zenhei.ttc#0"
    monkeypatch.setattr(notice, "DEFAULT_PDF_FONT", missing)
    notice._warn_default_font_missing.cache_clear()
    with override_settings(CYLINDER_PDF_FONT=missing), caplog.at_level("WARNING", logger=notice.__name__):
        first = labels.label_sheet([helpers.cylinder(gas)])
        labels.label_sheet([helpers.cylinder(gas)])
    assert b"STSong-Light" in first and b"/FontFile2" not in first
    said = [r for r in caplog.records if "fonts-wqy-zenhei" in r.getMessage()]
    assert len(said) == 1
