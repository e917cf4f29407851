"""The one place personal data is masked (SPEC §14, §15). Pages, API, exports and logs use it."""

from __future__ import annotations

import re


def mask_phone(phone: str) -> str:
    """138****5678; other lengths keep the first 3 and last 4 where they can."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张* for two characters, 欧阳** for compound surnames, first character kept otherwise."""
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if len(name) >= 4 or _has_compound_surname(name):
        return name[:2] + "*" * (len(name) - 2)
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(id_number: str) -> str:
    """First 3 and last 4 shown: 110***********1234."""
    if not id_number:
        return ""
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]


def mask_address(address: str) -> str:
    """The address up to its district (区/县), then ****."""
    if not address:
        return ""
    cut = _district_end(address)
    return address[:cut] + "****"


def _district_end(address: str) -> int:
    """Index just after the district-level part: 区/县/旗, else a county-level 市."""
    for i, char in enumerate(address):
        # 自治区 and 特别行政区 are province-level: keep looking for the district.
        if char in "区县旗" and address[max(0, i - 2):i] not in ("自治", "行政"):
            return i + 1
    cities = [i for i, char in enumerate(address) if char == "市"]
    if len(cities) >= 2:
        return cities[1] + 1
    if cities:
        return cities[0] + 1
    return min(6, len(address))


def mask_email(email: str) -> str:
    if "@" not in email:
        return mask_name(email)
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里",
    ]
)


def _has_compound_surname(name: str) -> bool:
    return len(name) >= 3 and name[:2] in _COMPOUND_SURNAMES


# A mainland mobile number or an ID number inside free text, not part of a longer digit run.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """Free text (a snippet, a customer's words) with the mobile and ID numbers it quotes
    masked as their fields are."""
    text = _ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)
