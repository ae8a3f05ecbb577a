"""Rows for appeal tests: denials (via the denials factories), files, appeals."""

import io
from datetime import date

from PIL import Image

from tests.denials.factories_denials import denial_make, payer_make  # noqa: F401

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def tiff_bytes() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (30, 30), c) for c in ((0, 0, 0), (255, 255, 255))]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def upload(name: str, data: bytes):
    return (name, io.BytesIO(data), len(data))


def commercial_denial(practice, **kwargs):
    kwargs.setdefault("remit_date", date(2026, 11, 20))
    return denial_make(practice=practice, **kwargs)
