import pytest
from django.core.exceptions import ValidationError

from kefu.customers.masking import mask_address, mask_id_number, mask_name, mask_phone
from kefu.customers.validators import validate_id_number, validate_mobile


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"), ("", ""), ("12345", "1****"),
])
def test_phone_mask(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(("raw", "masked"), [
    ("张伟", "张*"), ("王小明", "王**"), ("欧阳娜娜", "欧阳**"), ("欧阳峰", "欧阳*"), ("李", "*"),
])
def test_name_mask(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


def test_id_number_mask_keeps_first_three_and_last_four() -> None:
    assert mask_id_number("440106199003071231") == "440***********1231"


@pytest.mark.parametrize(("raw", "masked"), [
    ("广东省广州市天河区体育西路100号", "广东省广州市天河区****"),
    ("北京市海淀区中关村大街1号", "北京市海淀区****"),
    ("浙江省温州市乐清市柳市镇前进路5号", "浙江省温州市乐清市****"),
    ("内蒙古自治区呼和浩特市新城区1号", "内蒙古自治区呼和浩特市新城区****"),
])
def test_address_cut_after_district(raw: str, masked: str) -> None:
    assert mask_address(raw) == masked


@pytest.mark.parametrize("raw", ["+86 138-1234-5678", "008613812345678", "13812345678"])
def test_mobile_normalised(raw: str) -> None:
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "abc", "23812345678"])
def test_invalid_mobile_rejected(raw: str) -> None:
    with pytest.raises(ValidationError):
        validate_mobile(raw)


def test_id_number_check_digit() -> None:
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValidationError):
        validate_id_number("110105194912310021")  # wrong check digit
    with pytest.raises(ValidationError):
        validate_id_number("110105194913310028")  # month 13
