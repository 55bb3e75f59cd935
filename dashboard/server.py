"""The ASGI app `antt-map serve` runs: the Streamlit pages plus one route Streamlit has
no way to serve, the display geometry with long-lived cache headers, and compression.

Streamlit's own static serving (`/app/static/…`) sends no Cache-Control, so a browser
would fetch the national geometry again on every visit. Here each document is served
under its content hash (`geodata.display_docs.DisplayDoc.path`) as stored, gzip and all,
and marked immutable: a second page load or a second session in the same browser reads
it from the cache, and a changed document is a new URL.
"""

from __future__ import annotations

import gc
import gzip
import logging
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from dashboard.assets import asset_file
from dashboard.gzip_cache import CachedGzip
from dashboard.warmup import warm_up
from geodata.display_docs import DisplayDoc, display_doc
from geodata.store import Store, open_store, resolve_store

LOG = logging.getLogger("antt.server")
BANDS = ("country", "province", "local")
LEVELS = ("province", "district", "commune")
IMMUTABLE = "public, max-age=31536000, immutable"


def _area_level(store: Store, version: str, band: str, area: str) -> str | None:
    if band == "country":
        return None
    units = store.units(version)
    hit = units.loc[units["code"] == area, "level"]
    return str(hit.iloc[0]) if len(hit) else None


_STORES: dict[str, Store] = {}


def _open_store(path: str) -> Store:
    """One store object per path, so its table cache serves every request (opening one
    per request re-read the units table for each geometry URL)."""
    if path not in _STORES:
        _STORES[path] = open_store(path)
    return _STORES[path]


def find_doc(version: str, level: str, band: str, area: str) -> DisplayDoc | None:
    """The document a URL names, from the store the pages read; None if there is none."""
    if band not in BANDS or level not in LEVELS or (band == "country") != (area == "vn"):
        return None  # the country band is the whole country, the others one area
    store = _open_store(resolve_store())
    code = "" if area == "vn" else area
    area_level = _area_level(store, version, band, code)
    if band != "country" and area_level is None:
        return None
    return display_doc(store, version, level, band, code, area_level)


async def asset(request: Request) -> Response:
    """Leaflet's files from their package, immutable (the version is in the URL)."""
    path = asset_file(str(request.path_params["version"]), str(request.path_params["path"]))
    if path is None:
        return Response("không có", status_code=404, headers={"Cache-Control": "no-store"})
    return FileResponse(path, headers={"Cache-Control": IMMUTABLE})


async def geo(request: Request) -> Response:
    p = request.path_params
    name = str(p["name"])
    try:
        doc = await run_in_threadpool(find_doc, p["version"], p["level"], p["band"], p["area"])
    except Exception:  # logged with its traceback; the browser gets a plain 500
        LOG.exception("geometry document %s", request.url.path)
        return Response("lỗi máy chủ", status_code=500, headers={"Cache-Control": "no-store"})
    if doc is None or name != f"{doc.hash}.json":
        # stale (the store changed since the page was drawn) or unknown: never cached
        return Response("không có", status_code=404, headers={"Cache-Control": "no-store"})
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = doc.body
    else:
        body = gzip.decompress(doc.body)
    return Response(body, media_type="application/json", headers=headers)


@asynccontextmanager
async def lifespan(_app):
    """Warm up before the first visitor (see `dashboard.warmup`)."""
    took = await run_in_threadpool(warm_up, resolve_store())
    # what is loaded now lives as long as the process: out of the collector's sight,
    # so a full collection no longer walks the modules and shared caches each time
    gc.collect()
    gc.freeze()
    LOG.info("ready after %.1f s of warm-up", took)
    yield None


app = st.App(
    "app.py",
    lifespan=lifespan,
    routes=[
        Route("/geo/{version}/{level}/{band}/{area}/{name}", geo, methods=["GET"]),
        Route("/assets/{version}/{path:path}", asset, methods=["GET"]),
    ],
    # Streamlit sends its 2 MB of JavaScript uncompressed; gzip makes a new browser's
    # first load about a third, compressed once per process (see dashboard.gzip_cache;
    # responses already compressed, like /geo/, pass as they are)
    middleware=[Middleware(CachedGzip, compresslevel=6)],
)
