"""The certificate as a PDF document, drawn in one place, with a QR code that opens the
certificate's public verification page."""

import io

import segno
from django.conf import settings
from django.urls import reverse
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from learning.models import Certificate

# Pixels per QR module and the quiet zone around it (modules), as the QR standard asks.
QR_SCALE = 10
QR_BORDER = 4
QR_ERROR_LEVEL = "m"
_INK = HexColor("#1f2a44")
_ACCENT = HexColor("#c8902e")


def certificate_page_url(certificate_id: str) -> str:
    """The public verification page of a certificate: what its QR code and link open."""
    path = reverse("verify-certificate-page", kwargs={"certificate_id": certificate_id})
    return settings.PUBLIC_BASE_URL + path


def qr_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(payload, error=QR_ERROR_LEVEL).save(
        buffer, kind="png", scale=QR_SCALE, border=QR_BORDER
    )
    return buffer.getvalue()


def certificate_pdf(certificate: Certificate) -> bytes:
    page_url = certificate_page_url(certificate.id)
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {certificate.id}")
    pdf.setAuthor("OurShiksha")
    pdf.setSubject(f"{certificate.student_name}: {certificate.course_title}")

    pdf.setStrokeColor(_ACCENT)
    pdf.setLineWidth(4)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    center = width / 2
    pdf.setFillColor(_INK)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(center, height - 50 * mm, "Certificate of Completion")
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 66 * mm, "This certifies that")
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(center, height - 84 * mm, certificate.student_name)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 98 * mm, "has successfully completed the course")
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(center, height - 112 * mm, certificate.course_title)
    if certificate.skills:
        pdf.setFont("Helvetica", 12)
        skills = ", ".join(certificate.skills)
        pdf.drawCentredString(center, height - 124 * mm, f"Skills: {skills}")

    pdf.setFont("Helvetica", 11)
    issued_on = certificate.issued_at.date().isoformat()
    pdf.drawString(28 * mm, 40 * mm, f"Issued on {issued_on}")
    pdf.drawString(28 * mm, 33 * mm, f"Certificate ID: {certificate.id}")
    pdf.setFont("Helvetica", 9)
    pdf.drawString(28 * mm, 26 * mm, f"Verify at {page_url}")

    qr_size = 38 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(qr_png(page_url))),
        width - 28 * mm - qr_size,
        22 * mm,
        width=qr_size,
        height=qr_size,
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
