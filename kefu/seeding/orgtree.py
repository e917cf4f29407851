"""The demo organisation: HQ → 2 provinces → 3 cities each → 2 districts each."""

from __future__ import annotations

from dataclasses import dataclass

from kefu.orgs.actions import create_org_unit
from kefu.orgs.choices import DepartmentKind, UnitLevel
from kefu.orgs.models import Department, OrgUnit

TREE = {
    ("GD", "广东省公司", "Guangdong", "440000"): [
        ("GZ", "广州市分公司", "Guangzhou", ["天河区", "越秀区"]),
        ("SZ", "深圳市分公司", "Shenzhen", ["南山区", "福田区"]),
        ("FS", "佛山市分公司", "Foshan", ["禅城区", "南海区"]),
    ],
    ("ZJ", "浙江省公司", "Zhejiang", "330000"): [
        ("HZ", "杭州市分公司", "Hangzhou", ["西湖区", "滨江区"]),
        ("NB", "宁波市分公司", "Ningbo", ["海曙区", "鄞州区"]),
        ("WZ", "温州市分公司", "Wenzhou", ["鹿城区", "瓯海区"]),
    ],
}


@dataclass
class DemoUnits:
    hq: OrgUnit
    provinces: list[OrgUnit]
    cities: list[OrgUnit]
    districts: list[OrgUnit]
    # district unit id → (province name, city name, district name, region code)
    places: dict[int, tuple[str, str, str, str]]


def build_org_tree() -> DemoUnits:
    hq = create_org_unit(name="集团总部", name_en="Headquarters", code="HQ", level=UnitLevel.HQ)
    provinces, cities, districts, places = [], [], [], {}
    for (pcode, pname, pen, region), city_specs in TREE.items():
        province = create_org_unit(name=pname, name_en=pen, code=pcode,
                                   level=UnitLevel.PROVINCE, parent=hq)
        provinces.append(province)
        for ccode, cname, cen, district_names in city_specs:
            city = create_org_unit(name=cname, name_en=cen, code=f"{pcode}-{ccode}",
                                   level=UnitLevel.CITY, parent=province)
            cities.append(city)
            for index, dname in enumerate(district_names, start=1):
                district = create_org_unit(name=f"{cname[:-3]}{dname}营业部", name_en="",
                                           code=f"{pcode}-{ccode}-{index:02d}",
                                           level=UnitLevel.DISTRICT, parent=city)
                districts.append(district)
                places[district.pk] = (pname[:-2], cname[:-3], dname, region[:2] + f"01{index:02d}")
    for unit in [hq, *provinces, *cities]:
        for kind in DepartmentKind:
            Department.objects.create(unit=unit, kind=kind, name=str(kind.label))
    for unit in districts:
        for kind in (DepartmentKind.CUSTOMER_SERVICE, DepartmentKind.FIELD):
            Department.objects.create(unit=unit, kind=kind, name=str(kind.label))
    return DemoUnits(hq, provinces, cities, districts, places)
