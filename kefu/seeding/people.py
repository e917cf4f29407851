"""Realistic, valid and entirely invented customer details for demo data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kefu.customers.validators import id_check_digit

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND = ["欧阳", "司马", "上官", "诸葛"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁婷雪琳晨欣怡梓涵子轩雨泽浩然思远佳琪嘉怡文博天宇")
MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157",
                   "158", "159", "178", "182", "183", "187", "188", "198", "130", "131", "132",
                   "155", "156", "166", "175", "176", "185", "186", "133", "153", "173", "177",
                   "180", "181", "189", "191", "199"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "文化路", "胜利路", "朝阳路",
           "青年路", "科技路", "滨江路", "长江路", "黄河路", "东风路"]
COMMUNITIES = ["幸福里小区", "阳光花园", "锦绣家园", "翠湖苑", "金色家园", "碧水湾", "紫荆公寓",
               "和谐家园", "星河湾", "绿城桂花园"]


def person_name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND) if rng.random() < 0.02 else rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random, region_code: str) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    first17 = f"{region_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def street_address(rng: random.Random, province: str, city: str, district: str) -> str:
    return (f"{province}{city}{district}{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
            f"{rng.choice(COMMUNITIES)}{rng.randrange(1, 30)}栋{rng.randrange(1, 3)}单元"
            f"{rng.randrange(1, 33)}0{rng.randrange(1, 4)}室")
