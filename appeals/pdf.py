"""The letter as a PDF, and the packet: the letter followed by every enclosure."""

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enclosure:
    name: str
    content_type: str
    path: Path


def letter_pdf(*, body: str, enclosures: Sequence[str], title: str = "Appeal") -> bytes:
    """Typeset a letter's plain text, then a numbered list of the enclosed evidence."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=title,
        author="Overturn",
        leftMargin=inch,
        rightMargin=inch,
        topMargin=inch,
        bottomMargin=inch,
    )
    styles = getSampleStyleSheet()
    normal = styles["BodyText"]
    story = []
    for paragraph in body.replace("\r\n", "\n").split("\n\n"):
        lines = [escape(line) for line in paragraph.split("\n")]
        if any(line.strip() for line in lines):
            story.append(Paragraph("<br/>".join(lines), normal))
            story.append(Spacer(1, 6))
    story.append(Spacer(1, 12))
    story.append(Paragraph("<b>Enclosures</b>", normal))
    if enclosures:
        for number, name in enumerate(enclosures, start=1):
            story.append(Paragraph(f"{number}. {escape(name)}", normal))
    else:
        story.append(Paragraph("None.", normal))
    doc.build(story)
    return buffer.getvalue()


def _note_page(text: str) -> bytes:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=LETTER)
    c.setFont("Helvetica", 12)
    c.drawString(72, 720, text[:100])
    c.showPage()
    c.save()
    return buffer.getvalue()


def _image_pdf(path: Path) -> bytes:
    """Every frame of an image (multi-page TIFFs too) as PDF pages."""
    from PIL import Image, ImageSequence

    with Image.open(path) as img:
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(img)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "PDF", save_all=True, append_images=frames[1:], resolution=150
    )
    return buffer.getvalue()


def packet_pdf(*, letter: bytes, enclosures: Sequence[Enclosure]) -> bytes:
    """Bundle the letter and the enclosures into one PDF, in the letter's order.

    An enclosure that cannot be read (an encrypted or damaged PDF) is replaced by a page
    saying so, so the packet is still produced and the gap is visible.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(letter)))
    for number, enclosure in enumerate(enclosures, start=1):
        try:
            if enclosure.content_type == "application/pdf":
                reader = PdfReader(str(enclosure.path))
                if reader.is_encrypted:
                    raise ValueError("encrypted")
                writer.append(reader)
            else:
                writer.append(PdfReader(io.BytesIO(_image_pdf(enclosure.path))))
        except Exception as exc:  # a damaged file must not stop the packet
            logger.warning(
                "enclosure %s could not be bundled: %s", number, type(exc).__name__
            )
            writer.append(
                PdfReader(
                    io.BytesIO(
                        _note_page(
                            f"Enclosure {number} ({enclosure.name}) could not be "
                            "added: send it separately."
                        )
                    )
                )
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
