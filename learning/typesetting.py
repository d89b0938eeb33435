"""Text on the PDFs the product renders, in any script a student writes: each text is split
into runs of one font and one direction, each run drawn in a shipped Noto font that covers
every code point of it, shaped by HarfBuzz, placed in Unicode bidi order and fitted to its
line. Chinese, Japanese and Korean are out (their fonts alone would be 15-20 MB a weight);
text no shipped font covers is refused, never drawn as boxes."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz
from bidi.algorithm import (
    explicit_embed_and_overrides,
    get_base_level,
    get_embedding_levels,
    get_empty_storage,
    resolve_implicit_levels,
    resolve_neutral_types,
    resolve_weak_types,
)
from fontTools import unicodedata
from fontTools.ttLib import TTFont
from fpdf import FPDF

from config.process_caches import register

# Shipped with the project (static, so the verification pages serve the same files as web
# fonts); OFL.txt beside them.
FONT_DIR = Path(__file__).resolve().parent / "static" / "learning" / "fonts"
WEIGHTS = ("Regular", "Bold")
# Scripts without a letter of their own: they take the font of the text around them.
_NEUTRAL_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})


@dataclass(frozen=True)
class Family:
    """One shipped font family and the scripts (ISO 15924) it draws."""

    name: str
    scripts: frozenset[str]
    # OpenType script tag HarfBuzz shapes the run with.
    hb_script: str

    def path(self, weight: str) -> Path:
        return FONT_DIR / f"{self.name}-{weight}.ttf"


# Latin first: neutral text (digits, punctuation) that nothing else claims is drawn in it.
FAMILIES = (
    Family("NotoSans", frozenset({"Latn", "Grek", "Cyrl"}), ""),
    Family("NotoSansDevanagari", frozenset({"Deva"}), "Deva"),
    Family("NotoSansBengali", frozenset({"Beng"}), "Beng"),
    Family("NotoSansTamil", frozenset({"Taml"}), "Taml"),
    Family("NotoSansTelugu", frozenset({"Telu"}), "Telu"),
    Family("NotoSansKannada", frozenset({"Knda"}), "Knda"),
    Family("NotoSansMalayalam", frozenset({"Mlym"}), "Mlym"),
    Family("NotoSansGujarati", frozenset({"Gujr"}), "Gujr"),
    Family("NotoSansGurmukhi", frozenset({"Guru"}), "Guru"),
    Family("NotoSansOriya", frozenset({"Orya"}), "Orya"),
    # Urdu is written in Nastaliq; the same font draws other Arabic-script names.
    Family("NotoNastaliqUrdu", frozenset({"Arab"}), "Arab"),
)


class TextUnprintable(ValueError):
    """Characters that no shipped font draws."""

    def __init__(self, characters: Iterable[str]) -> None:
        self.characters = sorted(set(characters))
        super().__init__(f"no shipped font draws {self.characters!r}")


@dataclass(frozen=True)
class Run:
    """Consecutive characters drawn in one font, in one direction (bidi level)."""

    text: str
    family: Family
    level: int

    @property
    def rtl(self) -> bool:
        return self.level % 2 == 1


@register
@cache
def _cmap(family: Family) -> frozenset[int]:
    # Both weights of a family cover the same code points; a run is checked against both.
    cmaps: list[frozenset[int]] = [
        frozenset(TTFont(family.path(weight), lazy=True).getBestCmap()) for weight in WEIGHTS
    ]
    return frozenset.intersection(*cmaps)


def covers(family: Family, character: str) -> bool:
    return ord(character) in _cmap(family)


@register
@cache
def hb_font(family: Family, weight: str) -> uharfbuzz.Font:
    return uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(family.path(weight)))))


def shape(run: Run, weight: str) -> uharfbuzz.Buffer:
    """HarfBuzz's glyphs for one run (visual order, font units), as fpdf2 draws them."""
    buffer = uharfbuzz.Buffer()
    buffer.add_str(run.text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if run.rtl else "ltr"
    if run.family.hb_script:
        buffer.script = run.family.hb_script
    uharfbuzz.shape(hb_font(run.family, weight), buffer, {})
    return buffer


def bidi_levels(text: str) -> list[int]:
    """The Unicode bidi algorithm's embedding level of each character (python-bidi)."""
    storage = get_empty_storage()
    storage["base_level"] = get_base_level(text)
    storage["base_dir"] = ("L", "R")[storage["base_level"]]
    get_embedding_levels(text, storage)
    explicit_embed_and_overrides(storage)
    resolve_weak_types(storage)
    resolve_neutral_types(storage, False)
    resolve_implicit_levels(storage, False)
    # Rule X9 drops joiners and embedding controls from the storage; they take the level of
    # the character before them (the paragraph's at the start).
    resolved = iter(storage["chars"])
    pending = next(resolved, None)
    levels = []
    for character in text:
        if pending is not None and pending["ch"] == character:
            levels.append(pending["level"])
            pending = next(resolved, None)
        else:
            levels.append(levels[-1] if levels else storage["base_level"])
    return levels


def _family_of_script(script: str, character: str) -> Family | None:
    for family in FAMILIES:
        if script in family.scripts and covers(family, character):
            return family
    return None


def runs(text: str) -> list[Run]:
    """The text's runs in logical order: a letter picks the family of its script; marks,
    joiners, spaces, digits and punctuation stay with the letters around them when that font
    draws them (so a conjunct is never split), preferring the side of their own bidi level,
    else take the first family that does."""
    levels = bidi_levels(text)
    families: list[Family | None] = []
    missing = []
    for character in text:
        script = unicodedata.script(character)
        family = None if script in _NEUTRAL_SCRIPTS else _family_of_script(script, character)
        if family is None and script not in _NEUTRAL_SCRIPTS:
            missing.append(character)
        families.append(family)
    if missing:
        raise TextUnprintable(missing)
    letters = list(families)
    for index, character in enumerate(text):
        if letters[index] is not None:
            continue
        before = next((i for i in range(index - 1, -1, -1) if families[i] is not None), None)
        after = next((i for i in range(index + 1, len(text)) if letters[i] is not None), None)
        neighbours = sorted(
            (i for i in (before, after) if i is not None),
            key=lambda i: (levels[i] != levels[index], i != before),
        )
        families[index] = next(
            (
                family
                for i in neighbours
                if (family := families[i]) is not None and covers(family, character)
            ),
            next((f for f in FAMILIES if covers(f, character)), None),
        )
        if families[index] is None:
            missing.append(character)
    if missing:
        raise TextUnprintable(missing)
    drawn = [family for family in families if family is not None]  # one per character now
    result: list[Run] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or drawn[index] != drawn[start] or levels[index] != levels[start]:
            result.append(Run(text[start:index], drawn[start], levels[start]))
            start = index
    return result


def visual_order(logical: list[Run]) -> list[Run]:
    """Runs left to right (UAX #9 rule L2: from the highest level down to the lowest odd one,
    reverse every stretch at that level or above)."""
    ordered = list(logical)
    if not ordered:
        return ordered
    highest = max(run.level for run in ordered)
    lowest_odd = min((run.level for run in ordered if run.rtl), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(ordered):
            if ordered[index].level >= level:
                end = index
                while end < len(ordered) and ordered[end].level >= level:
                    end += 1
                ordered[index:end] = reversed(ordered[index:end])
                index = end
            else:
                index += 1
    return ordered


def printable_check(text: str) -> None:
    """Raises TextUnprintable when a shipped font lacks a character of the text."""
    runs(text)


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]  # visual order
    size: float  # points

    def width(self, weight: str) -> float:
        return sum(run_width(run, weight, self.size) for run in self.runs)


def run_width(run: Run, weight: str, size: float) -> float:
    upem = hb_font(run.family, weight).face.upem
    return sum(p.x_advance for p in shape(run, weight).glyph_positions) * size / upem


def fit(text: str, *, weight: str, size: float, width: float) -> Line:
    """The text on one line at the design size, or shrunk until it fits the width."""
    line = Line(tuple(visual_order(runs(text))), size)
    natural = line.width(weight)
    return line if natural <= width else Line(line.runs, size * width / natural)


class Document(FPDF):
    """An fpdf2 page that draws runs in the shipped fonts, each shaped by HarfBuzz."""

    def __init__(self, *, orientation: str, title: str, subject: str) -> None:
        super().__init__(orientation=orientation, unit="pt", format="A4")
        self.set_auto_page_break(False)
        self.set_margin(0)
        self.c_margin = 0
        self.set_creator("OurShiksha")
        self.set_author("OurShiksha")
        self.set_title(title)
        self.set_subject(subject)
        self._added: set[tuple[Family, str]] = set()

    def draw_line(self, line: Line, *, weight: str, x: float, baseline: float) -> None:
        """One line whose left edge is x, on the baseline (points from the top)."""
        for run in line.runs:
            # Only the fonts a page draws with are read and embedded.
            if (run.family, weight) not in self._added:
                self.add_font(run.family.name, _style(weight), str(run.family.path(weight)))
                self._added.add((run.family, weight))
            self.set_font(run.family.name, _style(weight), line.size)
            self.set_text_shaping(
                use_shaping_engine=True,
                direction="rtl" if run.rtl else "ltr",
                script=run.family.hb_script.lower() or None,
            )
            # text() does not shape; a cell of height 0 puts the baseline 0.3 em below y.
            self.set_xy(x, baseline - 0.3 * line.size)
            self.cell(h=0, text=run.text)
            x += run_width(run, weight, line.size)

    def draw_centred(
        self, text: str, *, weight: str, size: float, centre: float, baseline: float, width: float
    ) -> None:
        """The text centred on its line, shrunk to the width when it is longer."""
        line = fit(text, weight=weight, size=size, width=width)
        self.draw_line(line, weight=weight, x=centre - line.width(weight) / 2, baseline=baseline)

    def draw_left(
        self, text: str, *, weight: str, size: float, x: float, baseline: float, width: float
    ) -> None:
        self.draw_line(
            fit(text, weight=weight, size=size, width=width), weight=weight, x=x, baseline=baseline
        )


def _style(weight: str) -> str:
    return "B" if weight == "Bold" else ""
