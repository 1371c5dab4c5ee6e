import pytest

from outreach import gazetteer
from outreach.errors import GeographyError


def test_lists_every_village_row():
    assert gazetteer.village_count() == 14576


def test_battambang_municipality_codes_and_khmer_names():
    lst = gazetteer.district_listing("0203")
    assert lst.district.name_en == "Battambang" and lst.province.code == "02"
    assert len(lst.sangkats) == 10 and len(lst.villages) == 62
    first = lst.villages[0]
    assert first.code == "02030101" and first.name_kh == "អូរតាគាំ ១" and first.sangkat_code == "020301"
    assert all(v.code.startswith("0203") or v.district_code == "0203" for v in lst.villages)


def test_seed_municipalities_have_16_sangkats_and_155_villages():
    ls = [gazetteer.district_listing(c) for c in ("1505", "0403", "0502")]
    assert sum(len(x.sangkats) for x in ls) == 16
    assert sum(len(x.villages) for x in ls) == 155


def test_leading_zero_restored_and_unknown_rejected():
    assert gazetteer.district_listing("403").district.code == "0403"
    with pytest.raises(GeographyError, match="9999"):
        gazetteer.district_listing("9999")
    assert gazetteer.village("99999999") is None
