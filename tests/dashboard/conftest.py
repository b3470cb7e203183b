"""Shared fixtures for the dashboard tests: the hand-made claims table and its texts."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLAIMS_CSV = FIXTURES / "claims.csv"
DOCS_DIR = FIXTURES / "docs"
REGIONS_CSV = FIXTURES / "regions.csv"
APP = ROOT / "dashboard" / "app.py"


@pytest.fixture
def fx() -> SimpleNamespace:
    """Paths of the fixture files and of the app, for tests to use."""
    return SimpleNamespace(claims=CLAIMS_CSV, docs=DOCS_DIR, regions=REGIONS_CSV, app=APP,
                           root=ROOT)


@pytest.fixture
def fixture_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the app at the fixture table, texts and region table."""
    monkeypatch.setenv("ZHIBIAO_DATA", str(CLAIMS_CSV))
    monkeypatch.setenv("ZHIBIAO_DOCS", str(DOCS_DIR))
    monkeypatch.setenv("ZHIBIAO_REGIONS", str(REGIONS_CSV))


@pytest.fixture(scope="session")
def scope():
    """The fixture table opened as the app opens it, with no filter."""
    from dashboard import data

    return data.with_facts(data.Scope(data.load_source(CLAIMS_CSV, REGIONS_CSV)))


@pytest.fixture(scope="session")
def claims(scope):
    """Every row of the fixture table, as the claims view gives them."""
    return scope.select("*", tail='ORDER BY doc, "start"', conflicts=True)
