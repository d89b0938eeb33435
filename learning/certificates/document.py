"""The certificate as a PDF document, drawn in one place, with a QR code that opens the
certificate's public verification page."""

import io

import segno
from django.conf import settings
from django.urls import reverse

from learning.errors import CertificateTextUnprintable
from learning.models import Certificate
from learning.typesetting import Document, TextUnprintable, printable_check

# Pixels per QR module and the quiet zone around it (modules), as the QR standard asks.
QR_SCALE = 10
QR_BORDER = 4
QR_ERROR_LEVEL = "m"
_INK = (0x1F, 0x2A, 0x44)
_ACCENT = (0xC8, 0x90, 0x2E)
MM = 72 / 25.4  # points per millimetre


def certificate_printable_check(*, student_name: str, course_title: str, skills: list[str]) -> None:
    """Refuses (before anything is charged) text that no shipped font draws: a box on a
    certificate is worse than no certificate. CJK scripts are among them (see typesetting)."""
    for field, text in (
        ("student_name", student_name),
        ("course_title", course_title),
        ("skills", ", ".join(skills)),
    ):
        try:
            printable_check(text)
        except TextUnprintable as unprintable:
            raise CertificateTextUnprintable(
                details={"field": field, "characters": unprintable.characters}
            ) from None


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
    """Every text (the student's name, Guru's course title and skills) goes through the
    shaping text path; positions are millimetres from the top edge."""
    certificate_printable_check(
        student_name=certificate.student_name,
        course_title=certificate.course_title,
        skills=certificate.skills,
    )
    page_url = certificate_page_url(certificate.id)
    pdf = Document(
        orientation="landscape",
        title=f"Certificate {certificate.id}",
        subject=f"{certificate.student_name}: {certificate.course_title}",
    )
    pdf.add_page()
    width, height = pdf.w, pdf.h

    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(4)
    pdf.rect(12 * MM, 12 * MM, width - 24 * MM, height - 24 * MM)
    pdf.set_line_width(1)
    pdf.rect(16 * MM, 16 * MM, width - 32 * MM, height - 32 * MM)

    centre = width / 2
    # Text stays inside the inner border with a margin.
    line_width = width - 2 * 28 * MM
    pdf.set_text_color(*_INK)

    def centred(text: str, weight: str, size: float, from_top_mm: float) -> None:
        pdf.draw_centred(
            text,
            weight=weight,
            size=size,
            centre=centre,
            baseline=from_top_mm * MM,
            width=line_width,
        )

    centred("Certificate of Completion", "Bold", 30, 50)
    centred("This certifies that", "Regular", 14, 66)
    centred(certificate.student_name, "Bold", 28, 84)
    centred("has successfully completed the course", "Regular", 14, 98)
    centred(certificate.course_title, "Bold", 20, 112)
    if certificate.skills:
        centred(f"Skills: {', '.join(certificate.skills)}", "Regular", 12, 124)

    qr_size = 38 * MM
    # The footer's text ends before the QR code.
    footer_width = width - 2 * 28 * MM - qr_size - 8 * MM

    def footer(text: str, size: float, from_bottom_mm: float) -> None:
        pdf.draw_left(
            text,
            weight="Regular",
            size=size,
            x=28 * MM,
            baseline=height - from_bottom_mm * MM,
            width=footer_width,
        )

    footer(f"Issued on {certificate.issued_at.date().isoformat()}", 11, 40)
    footer(f"Certificate ID: {certificate.id}", 11, 33)
    footer(f"Verify at {page_url}", 9, 26)

    pdf.image(
        io.BytesIO(qr_png(page_url)),
        x=width - 28 * MM - qr_size,
        y=height - 22 * MM - qr_size,
        w=qr_size,
        h=qr_size,
    )
    return bytes(pdf.output())
