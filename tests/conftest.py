"""Shared fixtures: one real demo GeoPackage built per test session."""

from __future__ import annotations

import os
import shutil

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


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL + PostGIS server: $ANTT_TEST_PG_URL, else a throwaway cluster started
    here. Without one the PostGIS tests skip, except in CI (ANTT_REQUIRE_PG=1: they fail)."""
    from tests.pg_support import cluster, pg_available

    if os.environ.get("ANTT_TEST_PG_URL"):
        yield os.environ["ANTT_TEST_PG_URL"]
        return
    why = pg_available()
    if why:
        if os.environ.get("ANTT_REQUIRE_PG") == "1":
            pytest.fail(f"PostGIS tests are required here (ANTT_REQUIRE_PG=1): {why}")
        pytest.skip(why)
    with cluster() as url:
        yield url


@pytest.fixture(scope="session")
def pg_store(pg_server, demo_build):
    """The demo store copied into a new PostGIS database (the same rows as `store`)."""
    from geodata.pg_store import PostgisStore
    from geodata.store_copy import copy_store
    from tests.pg_support import new_database

    url = new_database(pg_server)
    copy_store(str(demo_build.path), url)
    return PostgisStore.open(url)


@pytest.fixture(params=["gpkg", "postgis"])
def any_store(request):
    """The demo store on each backend in turn (as geopandas and pyogrio test engines)."""
    return request.getfixturevalue("store" if request.param == "gpkg" else "pg_store")


@pytest.fixture(scope="session")
def pg_template(pg_server, demo_build):
    """A PostGIS database holding the demo store that no one connects to, so a test's
    own copy is one `CREATE DATABASE … TEMPLATE` (a file copy, well under a second)."""
    from geodata.pg_store import drop_engine
    from geodata.store_copy import copy_store
    from tests.pg_support import new_database

    url = new_database(pg_server)
    copy_store(str(demo_build.path), url)
    drop_engine(url)
    return url


@pytest.fixture(params=["gpkg", "postgis"])
def store_copy(request, demo_build, tmp_path):
    """A writable copy of the demo store on each backend in turn: the import tests run
    against both, as the store and query tests do."""
    if request.param == "gpkg":
        path = tmp_path / "antt.gpkg"
        shutil.copy(demo_build.path, path)
        yield GpkgStore.open(path)
        return
    from geodata.pg_store import PostgisStore, drop_engine
    from tests.pg_support import database_from, drop_database

    url = database_from(request.getfixturevalue("pg_template"))
    yield PostgisStore.open(url)
    drop_engine(url)
    drop_database(url)


@pytest.fixture(scope="module")
def server(demo_build, tmp_path_factory):
    """`antt-map serve` on the demo store, for the browser tests of one module."""
    from tests.browser_support import serving

    with serving(demo_build.path, tmp_path_factory.mktemp("srv")) as srv:
        yield srv


@pytest.fixture(params=["1920", "1366"])
def page(browser, request):
    """An offline Chromium page at each of the meeting room's two window sizes."""
    from tests.browser_support import SIZES, offline_page

    with offline_page(browser, *SIZES[request.param], request.node.name) as pg:
        yield pg
