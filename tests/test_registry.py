"""Tests for `quyche.registry`: the site registry and actor groups a caller supplies."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quyche.errors import EvaluationError
from quyche.registry import ID_PATTERN, SiteEntry, check_id, read_actors, read_sites


class TestCheckId:
    @pytest.mark.parametrize("value", ["bg1", "ubnd_tp_kon_tum", "Bảng-tin.1", "a:b/c@d+e",
                                       "9", "x" * 200])
    def test_ids(self, value):
        assert check_id(value) == value

    @pytest.mark.parametrize("value", ["", "_x", "-x", "a b", "a\nb", "[/x]", "<b>", "a|b",
                                       "a;b", 'a"b', "x" * 201, "a\x00"])
    def test_not_ids(self, value):
        with pytest.raises(ValueError, match="is not an id"):
            check_id(value)

    @given(st.from_regex(ID_PATTERN, fullmatch=True))
    def test_the_pattern_is_the_check(self, value):
        assert check_id(value) == value

    @given(st.text(max_size=30))
    def test_no_id_holds_markup_or_a_line_break(self, value):
        try:
            check_id(value)
        except ValueError:
            return
        assert not set(value) & set("[]<>|\n\r\t `\"'&;#")


class TestReadSites:
    def test_mappings_models_and_generators(self):
        given_sites = ({"id": "a", "kind": "k"}, SiteEntry(id="b", kind="k", operator="o"))
        found = read_sites(s for s in given_sites)
        assert [(s.id, s.operator) for s in found] == [("a", None), ("b", "o")]
        assert read_sites(None) == []

    def test_no_coercion(self):
        with pytest.raises(EvaluationError, match=r"sites\[0\] \(a\): operator: .*got 5"):
            read_sites([{"id": "a", "kind": "k", "operator": 5}])

    def test_duplicates(self):
        with pytest.raises(EvaluationError, match=r"sites\[1\] \(a\): the same id as sites\[0\]"):
            read_sites([{"id": "a", "kind": "k"}, {"id": "a", "kind": "k"}])

    @pytest.mark.parametrize("value", [{"a": 1}, "a", b"a", 3])
    def test_not_a_list(self, value):
        with pytest.raises(EvaluationError, match="sites: expected a list of sites"):
            read_sites(value)


class TestReadActors:
    def test_groups(self):
        assert read_actors({"so_x": ("departments",)}) == {"so_x": ["departments"]}
        assert read_actors(None) == {}

    @pytest.mark.parametrize(("value", "message"), [
        (["so_x"], "expected a mapping"), ({"so_x": "departments"}, "expected a list"),
        ({"so_x": [1]}, r"actors\['so_x'\]: \[0\]: Input should be a valid string"),
        ({"so x": []}, "actors: 'so x' is not an id"),
        ({"so_x": ["a b"]}, r"actors\['so_x'\]: \[0\]: 'a b' is not an id"),
    ])
    def test_refused(self, value, message):
        with pytest.raises(EvaluationError, match=message):
            read_actors(value)
