"""Shared fixtures: one real demo GeoPackage built per test session."""

from __future__ import annotations

import pytest

from geodata.build import build_demo_store
from geodata.store import GpkgStore


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("store") / "antt.gpkg"
    return build_demo_store(out)


@pytest.fixture(scope="session")
def store(demo_build) -> GpkgStore:
    return GpkgStore.open(demo_build.path)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium (never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()
