"""A real picture with script riding along — HTML after a PNG's end, in a PNG text chunk, in a JPEG comment or its
EXIF — is stored as a picture we encoded ourselves: the bytes served back hold no trace of the script. An SVG (a
picture that is a document, and may carry script) is refused."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from gasguard.hazards import services as hazard_services
from gasguard.inspections.models import Photo
from gasguard.testing import api_client, inspect

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"


def picture(fmt, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 20)).save(out, fmt, **save)
    return out.getvalue()


def png_with_trailing_html():
    return picture("PNG") + b"<html><body>" + SCRIPT + b"</body></html>"


def png_with_a_text_chunk():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    return picture("PNG", pnginfo=info)


def jpeg_with_a_comment_and_exif():
    exif = Image.Exif()
    exif[0x010E] = SCRIPT.decode()  # ImageDescription
    return picture("JPEG", comment=SCRIPT, exif=exif)


@pytest.mark.parametrize(("name", "make", "content_type"), [
    ("trailing.png", png_with_trailing_html, "image/png"),
    ("chunk.png", png_with_a_text_chunk, "image/png"),
    ("comment.jpg", jpeg_with_a_comment_and_exif, "image/jpeg"),
])
def test_the_served_bytes_hold_no_script(personas, name, make, content_type):
    data = make()
    assert SCRIPT in data  # (the script is really in the upload)
    inspection, _ = inspect(personas.site_a, personas.inspector,
                            photos=[SimpleUploadedFile(name, data, content_type="text/html")])
    photo = inspection.photos.get()
    response = api_client(personas.inspector).get(f"/photos/{photo.pk}/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert b"<script" not in served.lower() and b"<html" not in served.lower()
    assert response["Content-Type"] == content_type  # from the content we made, not the declared text/html
    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (40, 30)


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="red"/>'
       b"<script>alert(document.cookie)</script></svg>")


@pytest.mark.parametrize("name", ["drawing.svg", "photo.png"])
def test_an_svg_is_refused(personas, name):
    inspection, _ = inspect(personas.site_a, personas.inspector)
    with pytest.raises(ValidationError) as caught:
        hazard_services.attach_photo(SimpleUploadedFile(name, SVG, content_type="image/svg+xml"),
                                     by=personas.inspector, inspection=inspection)
    assert caught.value.message_dict == {
        "photos": [f"照片“{name}”不是可识别的图片，请上传 JPEG、PNG、WebP 或 GIF 格式的照片"]}
    assert not Photo.objects.exists()
