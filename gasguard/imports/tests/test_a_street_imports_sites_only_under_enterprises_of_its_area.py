"""A street's site import may name an enterprise of its own area only; a row naming another area's enterprise is an
error of its cell, and nothing is imported. The office's import links across areas."""
from gasguard.sites.models import Site
from gasguard.testing import STREET_A_GRID, nothing_changes

from .helpers import SITE_HEADERS, upload, xlsx


def test_another_area_s_enterprise_is_refused(personas):
    code = personas.site_b.enterprise.credit_code  # 杭州道街道
    row = ["新饭店", "餐饮企业", STREET_A_GRID, "某路1号", 39.02, 117.65, "瓶装液化石油气", "", 30, "否", "是", "王店长",
           "13700000000", code]
    with nothing_changes():
        job = upload(personas.street_a, "sites", xlsx(SITE_HEADERS, [row]))
    assert job.state == "failed"
    assert job.error_lines() == [f"第2行 N列（所属企业统一社会信用代码）：统一社会信用代码为“{code}”的企业属于杭州道街道，"
                                 "只能关联本属地的企业（跨属地的关联请由区专班办公室办理）"]
    job = upload(personas.office, "sites", xlsx(SITE_HEADERS, [row]))
    assert job.state == "done" and Site.objects.get(name="新饭店").enterprise == personas.site_b.enterprise
