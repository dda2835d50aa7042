"""Tests for `quyche.evaluation.kinds.outline`: matching headings against an outline."""

import quyche
from quyche.evaluation.kinds.outline import missing_sections, section_label

OUTLINE = quyche.load("laichau").reporting.outline


def test_every_section_named_in_any_form():
    """Number, title or both, in any case, with or without a full stop, name a section."""
    headings = ["I", "kết quả thực hiện", "III. ĐÁNH GIÁ CHUNG", "iv.", "V  Đề xuất,  kiến nghị"]
    assert missing_sections(OUTLINE, headings) == []


def test_missing_sections_in_outline_order():
    """The sections no heading names come back in the outline's order."""
    missing = missing_sections(OUTLINE, ["II. Kết quả thực hiện", "IV"])
    assert [section_label(s) for s in missing] == [
        "I. Đặc điểm tình hình", "III. Đánh giá chung", "V. Đề xuất, kiến nghị"]


def test_an_item_is_not_a_heading():
    """An item under a section does not stand for the section."""
    missing = missing_sections(OUTLINE, ["Thuận lợi, khó khăn"])
    assert "III" in [s.number for s in missing]


def test_an_unlisted_heading_is_ignored():
    """Headings beyond the outline are allowed; only absent ones count."""
    headings = ["I", "II", "III", "IV", "V", "VI. Phụ lục"]
    assert missing_sections(OUTLINE, headings) == []
