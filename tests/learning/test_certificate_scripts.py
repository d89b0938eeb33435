"""Names, course titles and skills in every script a student writes print as written on the
certificate: fonts embedded, each run in a font that covers it, the glyphs HarfBuzz shapes,
and the page as it looked when checked by eye (reference images beside this file)."""

import datetime
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from bidi import get_display
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops
from pypdf import PdfReader

from learning.certificates.document import certificate_pdf
from learning.models import Certificate
from learning.typesetting import (
    FAMILIES,
    WEIGHTS,
    TextUnprintable,
    covers,
    fit,
    runs,
    shape,
    visual_order,
)

NAMES = {
    "devanagari": "अनन्या त्र्यम्बक शर्मा",
    "bengali": "সৌমিত্র চট্টোপাধ্যায়",
    "tamil": "கார்த்திகேயன் சுப்ரமணியம்",
    "telugu": "శ్రీనివాస్ రెడ్డి",
    "kannada": "ಸಿದ್ದರಾಮಯ್ಯ ಕೃಷ್ಣ",
    "malayalam": "ശ്രീക്കുട്ടി നമ്പ്യാർ",
    "gujarati": "ક્ષિતિજ ત્રિવેદી",
    "gurmukhi": "ਹਰਪ੍ਰੀਤ ਸਿੰਘ",
    "odia": "ସୁଭଶ୍ରୀ ମହାପାତ୍ର",
    "urdu": "محمد عمران خان",
    "latin": "Łukasz Żółć-Nguyễn",
    "mixed": "Ananya अनन्या محمد عمران খান",
}
REFERENCES = Path(__file__).parent / "reference"
MAX_DIFFERING_PIXELS = 8
PDFTOPPM = shutil.which("pdftoppm")
PDFFONTS = shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(
    PDFTOPPM is None or PDFFONTS is None,
    reason="poppler-utils is not installed (apt-get install poppler-utils; .ci/run does it)",
)


def certificate(
    name: str, *, course_title: str = "Python for Data Science", skills=("python", "testing")
) -> Certificate:
    """An unsaved certificate with fixed id and date, so its page can be compared."""
    return Certificate(
        id="OSC-AB12-CD34-EF56-GH78",
        student_name=name,
        course_title=course_title,
        skills=list(skills),
        issued_at=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
    )


@pytest.fixture(autouse=True)
def fixed_base_url(settings):
    settings.PUBLIC_BASE_URL = "https://ourshiksha.ai"


# --- Reading back what the PDF draws -----------------------------------------------------

_TOKENS = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    out, index = bytearray(), 0
    while index < len(literal):
        byte = literal[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        escaped = literal[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(), 8))
            index += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(escaped, escaped)
            index += 2
    return bytes(out)


def _outline(font: TTFont, glyph_id: int) -> tuple:
    """What a glyph looks like, whatever its id in this (sub)set: contours and advance."""
    name = font.getGlyphOrder()[glyph_id]
    glyph_set = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(pen)
    return (font["hmtx"][name][0], tuple(pen.value))


def drawn_segments(pdf: bytes) -> list[tuple[str, list[tuple]]]:
    """(font, glyphs) in drawing order, consecutive glyphs of one font together; the font is
    its PDF name without the subset prefix, each glyph its outline read from the embedded
    font program through the CID-to-glyph map."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {}
    for key, reference in page["/Resources"]["/Font"].items():
        font = reference.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        cid_map = descendant["/CIDToGIDMap"].get_object().get_data()
        fonts[key.lstrip("/")] = (
            str(font["/BaseFont"]).split("+", 1)[1],
            TTFont(io.BytesIO(program)),
            cid_map,
        )
    segments: list[tuple[str, list[tuple]]] = []
    current = None
    for match in _TOKENS.finditer(page.get_contents().get_data()):
        if match.group(1):
            current = fonts[match.group(1).decode()]
            continue
        name, program, cid_map = current
        codes = _unescape(match.group(2))
        glyphs = []
        for offset in range(0, len(codes), 2):
            cid = int.from_bytes(codes[offset : offset + 2], "big")
            glyphs.append(_outline(program, int.from_bytes(cid_map[2 * cid : 2 * cid + 2], "big")))
        if segments and segments[-1][0] == name:
            segments[-1][1].extend(glyphs)
        else:
            segments.append((name, glyphs))
    return segments


def shaped_segments(text: str, weight: str) -> list[tuple[str, list[tuple]]]:
    """What HarfBuzz shapes for each run of the text in its font, runs left to right."""
    segments: list[tuple[str, list[tuple]]] = []
    for run in visual_order(runs(text)):
        font = TTFont(run.family.path(weight))
        glyphs = [_outline(font, info.codepoint) for info in shape(run, weight).glyph_infos]
        name = run.family.name + ("Bold" if weight == "Bold" else "")
        if segments and segments[-1][0] == name:
            segments[-1][1].extend(glyphs)
        else:
            segments.append((name, glyphs))
    return segments


def contains(drawn: list, expected: list) -> bool:
    """Whether the expected segments are drawn, one after another, with nothing between."""
    if len(expected) == 1:
        (name, glyphs) = expected[0]
        return any(
            font == name
            and any(found[i : i + len(glyphs)] == glyphs for i in range(len(found) + 1))
            for font, found in drawn
        )
    for start in range(len(drawn) - len(expected) + 1):
        window = drawn[start : start + len(expected)]
        first, *middle, last = zip(window, expected, strict=True)
        if (
            first[0][0] == first[1][0]
            and first[0][1][-len(first[1][1]) :] == first[1][1]
            and all(found == wanted for found, wanted in middle)
            and last[0][0] == last[1][0]
            and last[0][1][: len(last[1][1])] == last[1][1]
        ):
            return True
    return False


# --- The tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("script", NAMES)
class TestNames:
    def test_every_code_point_of_each_run_is_covered_by_the_font_drawing_it(self, script):
        name = NAMES[script]
        found = runs(name)
        assert "".join(run.text for run in found) == name
        for run in found:
            for character in run.text:
                assert covers(run.family, character), (run.family.name, character)

    def test_the_glyphs_drawn_are_what_harfbuzz_shapes_for_each_run_and_font(self, script):
        pdf = certificate_pdf(certificate(NAMES[script]))
        assert contains(drawn_segments(pdf), shaped_segments(NAMES[script], "Bold"))

    @needs_poppler
    def test_every_font_is_embedded_as_a_subset(self, script):
        pdf = certificate_pdf(certificate(NAMES[script]))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            listing = subprocess.run(
                [PDFFONTS, file.name], capture_output=True, text=True, check=True
            ).stdout
        rows = listing.splitlines()[2:]
        families = {run.family.name for run in runs(NAMES[script])}
        assert rows and all(name in listing for name in families)
        for row in rows:
            # name type... encoding emb sub uni object-id: no base-14 font, nothing unembedded.
            assert re.search(r"CID TrueType\s+Identity-H\s+yes\s+yes\s+yes", row), row

    @needs_poppler
    def test_the_page_matches_the_reference_checked_by_eye(self, script, tmp_path):
        pdf_path = tmp_path / "certificate.pdf"
        pdf_path.write_bytes(certificate_pdf(certificate(NAMES[script])))
        subprocess.run(
            [PDFTOPPM, "-r", "100", "-gray", "-png", "-singlefile", pdf_path, tmp_path / "page"],
            check=True,
        )
        rendered = Image.open(tmp_path / "page.png").convert("L")
        reference_path = REFERENCES / f"certificate-{script}.png"
        reference = Image.open(reference_path).convert("L")
        assert rendered.size == reference.size
        difference = ImageChops.difference(rendered, reference)
        differing = sum(difference.point(lambda value: 255 if value > 64 else 0).histogram()[255:])
        # The same poppler draws the same page to the pixel; a mark moved or dropped (a nukta,
        # a pulli) changes dozens of pixels at this resolution, a wrong conjunct hundreds.
        assert differing <= MAX_DIFFERING_PIXELS, (
            f"{differing} pixels differ: look at {tmp_path / 'page.png'} against "
            f"{reference_path}; if the new page is right, copy it over the reference"
        )


def test_course_titles_and_skills_from_guru_go_through_the_same_path():
    title, skills = NAMES["tamil"], [NAMES["urdu"], NAMES["odia"]]
    pdf = certificate_pdf(certificate("Asha Rao", course_title=title, skills=skills))
    drawn = drawn_segments(pdf)
    assert contains(drawn, shaped_segments(title, "Bold"))
    assert contains(drawn, shaped_segments(f"Skills: {', '.join(skills)}", "Regular"))


@pytest.mark.parametrize(
    ("name", "families"),
    [
        (NAMES["mixed"], ["NotoSans", "NotoSansDevanagari", "NotoNastaliqUrdu", "NotoSansBengali"]),
        # A right-to-left name with a Latin word inside: read from the right.
        ("محمد Ali خان", ["NotoNastaliqUrdu", "NotoSans", "NotoNastaliqUrdu"]),
    ],
)
def test_runs_are_placed_in_the_order_python_bidi_displays(name, families):
    ordered = visual_order(runs(name))
    assert [run.family.name for run in ordered] == families
    # Within a right-to-left run HarfBuzz lays the glyphs out from the left, so the runs'
    # characters, each right-to-left run read backwards, are the display string.
    displayed = "".join(run.text[::-1] if run.rtl else run.text for run in ordered)
    assert displayed == get_display(name)


def test_a_conjunct_is_never_split_between_fonts():
    # The joiners and the virama belong to no script of their own.
    (run,) = runs("क्\u200dष")
    assert run.family.name == "NotoSansDevanagari"


def test_a_long_name_is_shrunk_to_fit_its_line():
    name = "Venkata Lakshmi Narasimha Satya Sai Subrahmanya Sri Ramachandra Murthy Bhagavatula"
    line = fit(name, weight="Bold", size=28, width=600)
    assert line.size < 28 and line.width("Bold") <= 600 + 1e-6
    assert fit("Asha Rao", weight="Bold", size=28, width=600).size == 28


def test_text_no_shipped_font_draws_is_refused_not_boxed():
    with pytest.raises(TextUnprintable) as refused:
        runs("Li 李小龍")
    assert refused.value.characters == ["小", "李", "龍"]


def test_both_weights_of_every_family_are_shipped():
    for family in FAMILIES:
        for weight in WEIGHTS:
            assert family.path(weight).is_file(), family.path(weight)
