"""The monthly prevention review as a PDF a manager hands to a department."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def review_pdf(*, scope, departments: list[dict], practices) -> bytes:
    """Render the review: each department: causes, trend, payers, examples, actions."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=f"Prevention review {scope.month_to:%B %Y}",
    )
    names = ", ".join(p.name for p in practices)
    story = [
        _p(f"Prevention review: {scope.month_to:%B %Y}", styles["Title"]),
        _p(names, styles["Normal"]),
        Spacer(1, 12),
    ]
    if not departments:
        story.append(_p("No denials with a root cause this month.", styles["Normal"]))
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    for d in departments:
        story.append(
            _p(
                f"{d['name']}: {d['count']} denials, ${d['denied']:,.2f}",
                styles["Heading2"],
            )
        )
        for c in d["causes"]:
            story.append(
                _p(
                    f"{c['cause'].name}: {c['count']} denials, ${c['denied']:,.2f}",
                    styles["Heading3"],
                )
            )
            trend = " · ".join(f"{m:%b} {n}" for m, n in c["trend"])
            payers = (
                ", ".join(f"{name} ({n})" for (_pk, name), n in c["top_payers"]) or "–"
            )
            story.append(_p(f"Trend: {trend}. Top payers: {payers}.", styles["Normal"]))
            if c["examples"]:
                rows = [["Denial", "Payer", "NPI", "Codes", "Lines", "Denied"]]
                for e in c["examples"]:
                    lines = "; ".join(
                        f"{ln.procedure_code}"
                        f"{':' + ln.modifiers if ln.modifiers else ''} "
                        f"${ln.charge}/${ln.paid}"
                        for ln in e.claim.lines.all()
                    )
                    rows.append(
                        [
                            f"#{e.pk}",
                            _p(e.payer.name if e.payer else "–", small),
                            e.rendering_npi or "–",
                            _p(", ".join(e.codes), small),
                            _p(lines, small),
                            f"${e.denied_amount:,.2f}",
                        ]
                    )
                table = Table(
                    rows,
                    colWidths=[
                        0.6 * inch,
                        1.3 * inch,
                        0.9 * inch,
                        1.3 * inch,
                        2.3 * inch,
                        0.8 * inch,
                    ],
                )
                table.setStyle(grid)
                story += [Spacer(1, 4), table]
            if c["actions"]:
                rows = [
                    [
                        "What will change",
                        "Owner",
                        "From",
                        "Status",
                        "Before",
                        "After",
                        "Result",
                    ]
                ]
                for a in c["actions"]:
                    item = a["item"]
                    rows.append(
                        [
                            _p(item.change, small),
                            item.owner.get_username() if item.owner else "–",
                            f"{item.started_on}",
                            item.get_status_display(),
                            "–" if a["before"] is None else str(a["before"]),
                            "–" if a["after"] is None else str(a["after"]),
                            a["verdict"],
                        ]
                    )
                table = Table(
                    rows,
                    colWidths=[
                        2.4 * inch,
                        0.8 * inch,
                        0.8 * inch,
                        0.6 * inch,
                        0.6 * inch,
                        0.6 * inch,
                        1.0 * inch,
                    ],
                )
                table.setStyle(grid)
                story += [Spacer(1, 4), table]
            story.append(Spacer(1, 10))
    doc.build(story)
    return buffer.getvalue()
