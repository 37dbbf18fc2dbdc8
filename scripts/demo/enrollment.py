"""Demo data of this service for ``make run``: marked as demo data, safe to run twice.

A few schools of two regions (Rabat-Salé-Kénitra, Casablanca-Settat), with the districts
their sectors serve. Names and addresses are invented."""

from __future__ import annotations

from typing import Any

NOTICE = "DEMO DATA (scripts/demo/enrollment.py): invented school, not a real one."


def _school(
    code: str, names: tuple[str, str], commune: str, where: tuple[str, str], districts: list[str]
) -> dict[str, Any]:
    province, region = where
    return {
        "code": code,
        "name_ar": names[0],
        "name_fr": names[1],
        "levels": ["preschool", "primary"],
        "commune": commune,
        "province": province,
        "region": region,
        "address": f"{NOTICE} Rue de l'école, {districts[0]}, {commune}",
        "sector": [{"commune": commune, "district": d} for d in districts],
    }


SCHOOLS = [
    _school(
        "DEMO-RBT-001",
        ("مدرسة الأمل (تجريبية)", "École Al Amal (démo)"),
        "Rabat-Agdal",
        ("RABAT", "RSK"),
        ["Agdal", "Ryad"],
    ),
    _school(
        "DEMO-RBT-002",
        ("مدرسة النور (تجريبية)", "École Annour (démo)"),
        "Rabat-Hassan",
        ("RABAT", "RSK"),
        ["Hassan", "Océan"],
    ),
    _school(
        "DEMO-SAL-001",
        ("مدرسة الفتح (تجريبية)", "École Al Fath (démo)"),
        "Salé-Tabriquet",
        ("SALE", "RSK"),
        ["Tabriquet", "Hay Salam"],
    ),
    _school(
        "DEMO-CAS-001",
        ("مدرسة الزهور (تجريبية)", "École Zohour (démo)"),
        "Casablanca-Maarif",
        ("CASABLANCA", "CS"),
        ["Maarif", "Racine"],
    ),
]


def seed(env: dict[str, str]) -> list[str]:
    from chalicelib.store.enrollment import catalogue

    for school in SCHOOLS:
        catalogue.save_school(school, demo=NOTICE)
    return [f"{len(SCHOOLS)} demo schools with their sectors (pre-registration)"]
