"""Shared fixtures: one real demo GeoPackage built per test session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

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


# Property tests draw the same examples on every run in CI (and by default), so a rare
# input cannot fail CI by luck; HYPOTHESIS_PROFILE=explore draws new ones locally.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
