"""Uploaded files, accepted by what they are and served as downloads.

A file's name and declared type are the sender's word; only its content counts. Pictures are decoded and encoded
again (JPEG, or PNG for a PNG or a picture with transparency), so the stored bytes are ours: whatever rode along
(trailing HTML, text chunks, EXIF with the phone's location) is gone. Workbooks and Word documents are checked to be
what their parts say. Every stored file goes back to the browser as an attachment that cannot run script.
"""
import io
import warnings
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from lxml import etree
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats a phone or a camera produces; Pillow opens only these (not its dozens of rarer parsers).
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # (JPEG covers the multi-picture MPO of some phones)
JPEG_QUALITY = 90

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES_MAX = 1024 * 1024  # [Content_Types].xml lists a few dozen parts

# What a stored file is, from its first bytes: (prefix, content type, extension).
MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]
OCTET = ("application/octet-stream", "bin")


class VerifiedImage(ContentFile):
    """A picture encoded by us from an upload: the bytes to store, with their content type."""

    def __init__(self, content: bytes, name: str, content_type: str):
        super().__init__(content, name=name)
        self.content_type = content_type


def _name(upload) -> str:
    return Path(getattr(upload, "name", "") or "").name or _("（未命名）")


def _stem(upload) -> str:
    """The upload's name without its extension, as a safe file name (the extension is the stored content's)."""
    try:
        return get_valid_filename(Path(getattr(upload, "name", "") or "").stem)[:40] or "photo"
    except SuspiciousFileOperation:  # nothing usable left ("..", "!!!")
        return "photo"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0")


def _check_size(upload, label, max_bytes=None):
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("%(label)s“%(name)s”过大（%(size)s MB），每个文件不能超过 %(limit)s MB") % {
            "label": label, "name": _name(upload), "size": _mb(upload.size), "limit": _mb(limit)})


def image(upload, label) -> VerifiedImage:
    """The uploaded picture, decoded and encoded again by us (orientation applied, metadata dropped), or a
    ValidationError naming `label` and the file: not a picture we read, too large, or too many pixels."""
    if isinstance(upload, VerifiedImage):
        return upload
    _check_size(upload, label)
    not_a_picture = ValidationError(
        _("%(label)s“%(name)s”不是可识别的图片，请上传 JPEG、PNG、WebP 或 GIF 格式的照片") % {
            "label": label, "name": _name(upload)})

    def too_many_pixels(size=""):
        return ValidationError(_("%(label)s“%(name)s”像素过多%(size)s，不能超过 %(limit)d 万像素") % {
            "label": label, "name": _name(upload), "size": size, "limit": settings.UPLOAD_MAX_PIXELS // 10_000})

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard (a warning, then an error at twice its limit) is above ours: ours answers.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            source = Image.open(upload, formats=IMAGE_FORMATS)
        with source:
            width, height = source.size
            if width * height > settings.UPLOAD_MAX_PIXELS:
                raise too_many_pixels(f"（{width}×{height}）")
            source.load()  # the whole picture decodes: a truncated or damaged file is refused here
            picture = ImageOps.exif_transpose(source)
            was_png = source.format == "PNG"
            icc = source.info.get("icc_profile")  # colours as the camera meant them: kept, all else dropped
    except Image.DecompressionBombError as exc:
        raise too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise not_a_picture from exc
    finally:
        upload.seek(0)
    alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    grey = picture.mode in ("1", "L")
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    try:
        clean = picture.convert("RGBA" if alpha else "L" if grey else "RGB")
        clean.info = {}  # Pillow writes some of what it read (a JPEG's comment) back unless told otherwise
        if alpha or was_png:
            clean.save(out, "PNG", optimize=True, **extra)
            content_type, ext = "image/png", "png"
        else:
            clean.save(out, "JPEG", quality=JPEG_QUALITY, **extra)
            content_type, ext = "image/jpeg", "jpg"
    except (OSError, ValueError) as exc:  # a mode or a colour profile we cannot write
        raise not_a_picture from exc
    return VerifiedImage(out.getvalue(), f"{_stem(upload)}.{ext}", content_type)


def images(uploads, field: str, label) -> list[VerifiedImage]:
    """Every upload of a field as a VerifiedImage, or one ValidationError {field: [a message per bad file]}:
    checked all before any is stored, so a refusal leaves nothing behind."""
    checked, errors = [], []
    for upload in uploads or ():
        try:
            checked.append(image(upload, label))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return checked


def _office_file(upload, label, *, main: str, part: str, kind, max_bytes=None, check_archive=None):
    """An Office Open XML file: a zip from its first byte, holding `part`, whose main part has the type `main`;
    `check_archive(zip)`, given, says in a message what else is wrong with it (None: nothing)."""
    _check_size(upload, label, max_bytes)
    wrong = ValidationError(_("%(label)s“%(name)s”不是 %(kind)s文件（按文件内容判断，与文件名无关）") % {
        "label": label, "name": _name(upload), "kind": kind})
    upload.seek(0)
    try:
        if upload.read(4) != b"PK\x03\x04":
            raise wrong
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            listing = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if part not in names or listing is None or listing.file_size > CONTENT_TYPES_MAX:
                raise wrong
            problem = check_archive(archive) if check_archive else None
            if problem:
                raise ValidationError(problem)
            root = etree.fromstring(archive.read(listing),
                                    etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, KeyError) as exc:
        raise wrong from exc
    finally:
        upload.seek(0)
    types = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in root
             if isinstance(el.tag, str) and el.tag.endswith("}Override")}
    if types.get(part) != main:  # (a macro-enabled .xlsm or .docm declares another type)
        raise wrong
    return upload


def workbook(upload, label, max_bytes=None):
    """The upload if it is an .xlsx workbook by content (not by name) that unpacks within
    IMPORTS_MAX_UNPACKED_BYTES (utilities/xlsxlimits.py), else a ValidationError naming `label` or the size."""
    from . import xlsxlimits

    return _office_file(upload, label, main=XLSX_MAIN, part="xl/workbook.xml", kind="Excel（.xlsx）",
                        max_bytes=max_bytes, check_archive=xlsxlimits.archive_size_error)


def word_document(upload, label, max_bytes=None):
    """The upload if it is a .docx document by content (not by name), else a ValidationError naming `label`."""
    return _office_file(upload, label, main=DOCX_MAIN, part="word/document.xml", kind="Word（.docx）",
                        max_bytes=max_bytes)


def sniff(fileobj) -> tuple[str, str]:
    """(content type, extension) of a stored file from its first bytes; application/octet-stream when unknown."""
    head = fileobj.read(16)
    fileobj.seek(0)
    for prefix, content_type, ext in MAGIC:
        if head.startswith(prefix):
            return content_type, ext
    return OCTET


def download(fileobj, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored file as a download that cannot run in the platform's origin: attachment, the content type we know
    (or read from its bytes, never from its name), no sniffing, and a sandbox with nothing allowed should a browser
    render it all the same."""
    if content_type is None:
        content_type, _ext = sniff(fileobj)
    response = FileResponse(fileobj, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
