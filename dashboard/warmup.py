"""Ready at start: what the first visitor after a restart would otherwise wait for
(imports, the store's tables, the default views and their display geometry), done by
the server before it answers.

Streamlit imports a page's modules when the first session runs it; on this 2-core
machine that alone is seconds. `dashboard.server` runs `warm_up` in its start-up hook.
"""

from __future__ import annotations

import logging
import time

LOG = logging.getLogger("antt.warmup")


def warm_up(store_path: str) -> float:
    """Import the page's modules and compute the views a first visitor opens; returns the
    seconds it took. A failure is logged, never fatal: the page reports it in Vietnamese."""
    t = time.perf_counter()
    try:
        # not streamlit_folium: declaring a component needs the running Streamlit runtime,
        # which starts after this hook (importing it here waits forever)
        import dashboard.export.snapshot
        import dashboard.export.writers
        import dashboard.figures as figures
        import dashboard.map_view
        import dashboard.ranking_view  # noqa: F401
        from geodata.display_docs import display_layers
        from geodata.query import data_years, query_view
        from geodata.store import open_store
        from geodata.view import MapView

        store = open_store(store_path)
        _first, last = data_years(store)
        for view in (
            MapView(year_from=last, year_to=last),  # the page's default
            MapView(level="commune", year_from=last, year_to=last),
        ):
            result = query_view(store, view)
            figures.previous_totals(store, result)
            display_layers(store, result.version.version, view.level, None)
    except Exception:  # the page shows the store's problem to its first visitor
        LOG.exception("warm-up at start failed")
    return time.perf_counter() - t
