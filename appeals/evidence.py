"""Evidence files: type by content (magic bytes), never by name."""

import io
from dataclasses import dataclass
from pathlib import PurePath

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

ALLOWED = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", TIFF: "tif"}
NAME_TYPES = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "jpe": JPEG,
    "tif": TIFF,
    "tiff": TIFF,
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# What a refused file turned out to be, to say so in the message.
KNOWN_OTHERS = [
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP, WAV or AVI)"),
    (b"#!", "a script"),
]


def sniff(head: bytes) -> str | None:
    """The allowed content type the first bytes prove, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return TIFF
    return None


def describe(head: bytes) -> str:
    """Say what a refused file looks like."""
    for magic, label in KNOWN_OTHERS:
        if head.startswith(magic):
            return label
    text = head[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "HTML or XML"
    if not head:
        return "empty"
    try:
        head[:512].decode("utf-8")
    except UnicodeDecodeError:
        return "an unknown binary format"
    return "plain text"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    content_type: str | None
    message: str
    note: str = ""


def human_size(n: int) -> str:
    if n >= 1_048_576:
        return f"{n / 1_048_576:.1f} MB"
    return f"{max(n, 1) / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def check(*, name: str, head: bytes, size: int, max_bytes: int) -> Verdict:
    """Decide whether a file may be stored, from its name, first bytes and size."""
    if size > max_bytes:
        return Verdict(
            False,
            None,
            f"{name} is {human_size(size)}; the limit is {human_size(max_bytes)}. "
            "Split or compress it and upload again.",
        )
    if size == 0:
        return Verdict(False, None, f"{name} is empty.")
    detected = sniff(head)
    if detected is None:
        return Verdict(
            False,
            None,
            f"{name} was refused: its content is {describe(head)}, not a PDF, PNG, "
            "JPEG or "
            "TIFF file, whatever its name says.",
        )
    claimed = NAME_TYPES.get(PurePath(name).suffix.lower().lstrip("."))
    note = ""
    if claimed != detected:
        note = (
            f"Named like {ALLOWED[claimed] if claimed else 'an unknown type'} but "
            "its content "
            f"is {ALLOWED[detected]}; stored as {ALLOWED[detected]}."
        )
    return Verdict(True, detected, "", note)


def image_ok(data: bytes) -> bool:
    """True when Pillow can read the image (a header followed by garbage fails)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        return True
    except Exception:  # Pillow raises many kinds for broken files
        return False


def safe_display_name(name: str) -> str:
    """The file name as shown and listed: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name or "file"
    cleaned = "".join(ch for ch in base if ch.isprintable())
    return cleaned[:200] or "file"
