"""Limits on an uploaded .xlsx before openpyxl opens it. An .xlsx is a zip: 270 KB of upload unpacked to 105 MB of
XML and took 41 s of CPU to read. The zip's directory says how large each member unpacks (and Python's zipfile
stops reading a member at that size), so their sum is known, and checked, before any of it is unpacked."""
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _


def archive_size_error(archive: zipfile.ZipFile) -> str | None:
    """A message in Chinese when the open workbook would unpack to more than IMPORTS_MAX_UNPACKED_BYTES, else None."""
    limit = settings.IMPORTS_MAX_UNPACKED_BYTES
    size = sum(member.file_size for member in archive.infolist())
    if size > limit:
        return _("文件解压后有 %(size)d MB，超过上限 %(limit)d MB：请删去多余的工作表、空行和格式，或拆分后分批导入") % {
            "size": size // (1024 * 1024), "limit": limit // (1024 * 1024)}
    return None


def unpacked_size_error(fileobj) -> str | None:
    """archive_size_error() of a stored file not checked on upload (an import job's), or a message when it is no
    zip; None when it may be opened. The file's position is put back at its start. An upload is checked by
    uploads.workbook() instead, in the one reading of its zip directory."""
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            return archive_size_error(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("无法读取文件：请上传 .xlsx 格式的 Excel 文件（可先下载模板填写）")
    finally:
        fileobj.seek(0)
