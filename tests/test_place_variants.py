"""Names as national and provincial files write them, matched against the real reference."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.places import PlaceIndex


@pytest.fixture(scope="module")
def index(store):
    return PlaceIndex(store.units("vn-2024"), "vn-2024")


@pytest.mark.parametrize(
    ("province", "district", "code"),
    [
        ("Thừa Thiên Huế", "Phong Điền", "476"),  # pre-2025 province name
        ("Tỉnh Thừa Thiên - Huế", "Thị xã Hương Thủy", "479"),
        ("Thanh Hoa", "Quan Son", "387"),  # "Quan" is not "Quận" here
        ("Bình Thuận", "Phú Quý", "602"),  # the reference writes Phú Quí
        ("Gia Lai", "K'Bang", "625"),  # reference: KBang
        ("Kon Tum", "Ia H' Drai", "618"),  # reference: Ia H'Drai
        ("Đắk Lắk", "Krông Ana", "655"),  # reference: Krông A Na
        ("TP HCM", "Quận 1", "760"),
        ("TP.HCM", "Q. 1", "760"),
        ("Khánh Hòa", "Quần đảo Trường Sa", "576"),
        ("Da Nang City", "Hoang Sa District", "498"),
        ("Hoa Binh Province", "Da Bac District", "150"),
    ],
)
def test_historical_and_variant_names_are_matched(index, province, district, code):
    m = index.match(province, district, level="district")
    assert m.ok, m.reason
    assert m.code == code


def test_a_variant_match_says_what_it_read(index):
    m = index.match("Thừa Thiên Huế", "Phong Điền", level="district")
    assert any("Thừa Thiên Huế" in n and "Thành phố Huế" in n for n in m.notes)


@pytest.mark.parametrize(
    ("province", "district", "unit_type", "code"),
    [
        ("Hà Tĩnh", "Kỳ Anh", "Thị xã", "449"),
        ("Hà Tĩnh", "Kỳ Anh", "Huyện", "447"),
        ("Đồng Tháp", "Cao Lãnh", "Thành phố", "866"),
        ("Dong Thap", "Cao Lanh", "City", "866"),
        ("Dong Thap", "Cao Lanh", "District", "873"),
        ("Đồng Tháp", "Hồng Ngự", "TP", "868"),
        ("Hậu Giang", "Long Mỹ", "Town", "937"),
        ("Tiền Giang", "Cai Lậy", "Thị xã", "817"),
        ("Trà Vinh", "Duyên Hải", "Huyện", "850"),
    ],
)
def test_a_type_column_tells_same_name_units_apart(index, province, district, unit_type, code):
    m = index.match(province, district, level="district", unit_type=unit_type)
    assert m.ok, m.reason
    assert m.code == code


@pytest.mark.parametrize("district", ["Kỳ Anh", "Cao Lãnh", "Hồng Ngự", "Long Mỹ"])
def test_same_name_units_without_a_type_are_refused_with_both(index, store, district):
    province = {"Kỳ Anh": "Hà Tĩnh", "Long Mỹ": "Hậu Giang"}.get(district, "Đồng Tháp")
    m = index.match(province, district, level="district")
    assert not m.ok and "nhiều đơn vị" in m.reason
    assert len(m.options) == 2 and all(district in name for _, name in m.options)


def test_a_type_word_is_kept_when_the_rest_is_no_name_and_both_readings_are_ambiguous(store):
    units = pd.DataFrame(
        {
            "version": "t",
            "level": ["province", "district", "district"],
            "code": ["01", "001", "002"],
            "name": ["Tỉnh A", "Quận Sơn", "Huyện Quan Sơn"],
            "unit_type": ["Tỉnh", "Quận", "Huyện"],
            "parent_code": [None, "01", "01"],
            "province_code": ["01", "01", "01"],
        }
    )
    m = PlaceIndex(units, "t").match("A", "Quan Son", level="district")
    assert not m.ok and {c for c, _ in m.options} == {"001", "002"}


def test_unknown_names_get_candidates_with_codes(index):
    m = index.match("TP HCMM", "", level="province")
    assert not m.ok and m.level == "province"
    assert ("79", "Thành phố Hồ Chí Minh") in m.options
    m = index.match("Hòa Bình", "Đà Bắc", "Xã Tân Peo")
    assert not m.ok and m.parent == "150" and m.text == "Xã Tân Peo"
    assert m.options[0][1] == "Xã Tân Pheo"


def test_confirmed_aliases_win_and_stay_inside_their_parent(store):
    units = store.units("vn-2024")
    aliases = pd.DataFrame(
        [{"version": "vn-2024", "level": "commune", "parent_code": "150", "alias": "Xã Tân Peo",
          "code": "04849"}]
    )  # fmt: skip
    idx = PlaceIndex(units, "vn-2024", aliases)
    m = idx.match("Hòa Bình", "Đà Bắc", "xa tan peo")
    assert m.ok and m.code == "04849" and any("bí danh" in n for n in m.notes)
    # the same spelling in another district is not matched by the alias
    assert not idx.match("Hòa Bình", "Mai Châu", "Xã Tân Peo").ok
