"""Building Excel files as a user would fill the templates, and sending them through the pages."""
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from openpyxl import Workbook

from gasguard.imports.models import ImportJob
from gasguard.utilities import clock

ENTERPRISE_HEADERS = ["企业名称", "统一社会信用代码", "企业类型", "法定代表人", "安全负责人", "联系电话", "地址", "属地"]
SITE_HEADERS = ["名称", "类型", "属地（编码或名称）", "地址", "纬度", "经度", "用气类型", "建筑类型", "液化石油气存放量（kg）",
                "设有专用气瓶间（是/否）", "人员密集场所（是/否）", "负责人", "联系电话", "所属企业统一社会信用代码"]
HAZARD_HEADERS = ["隐患所在对象名称", "对象地址", "对象统一社会信用代码（可选）", "隐患描述", "隐患等级（一般/重大）",
                  "检查项编码（可选）", "牵头单位", "整治责任人", "责任人电话", "整改期限", "发现日期", "来源"]


def xlsx(headers, rows, name="导入.xlsx", sheet="数据") -> SimpleUploadedFile:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(user, kind, file) -> ImportJob:
    """POST the file to the upload form as `user`; the job's task, enqueued when the upload commits, runs at once
    (huey's immediate mode), so the job is returned finished."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the request's commit, which the test's transaction holds
        response = client_for(user).post(f"/imports/upload/{kind}/", {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    file.seek(0)
    return job


def days(n):
    return clock.today() + timedelta(days=n)
