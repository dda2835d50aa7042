"""Tests for `quyche.render`: how citations read."""

import pytest

from quyche.render import cite, point_words
from quyche.report import Citation


@pytest.mark.parametrize(("point", "words"), [
    ("a", "điểm a"), ("đ", "điểm đ"), ("-1", "gạch đầu dòng thứ nhất"),
    ("-4", "gạch đầu dòng thứ tư"), ("-12", "gạch đầu dòng thứ 12"),
])
def test_points_and_dash_items(point, words):
    assert point_words(point) == words


def test_citation_reads_as_vietnamese_legal_citation():
    c = Citation(document="regulation", instrument="22/2024/QĐ-UBND", article=4, clause=3,
                 point="-1", quote="Thời gian hoạt động đủ 08 giờ/ngày")
    assert cite(c) == "Điều 4 khoản 3 gạch đầu dòng thứ nhất"
    decision = Citation(document="decision", instrument=None, article=2, clause=None,
                        point=None, quote="có hiệu lực")
    assert cite(decision) == "QĐ Điều 2"
    assert cite(None) == ""
