"""The periods next to the one shown, computed while the leader looks at the map.

In a meeting the year slider is moved one step at a time. After a view is drawn, the
views one period earlier and later (and their previous-period totals) are computed in
a background thread and land in the shared caches (`geodata.shared`), so the next
step of the slider is answered from them. Each neighbour is computed once per process,
however many sessions show the same view.
"""

from __future__ import annotations

import logging
import threading

from dashboard.figures import panel_cards
from dashboard.panels import panels_for
from geodata.errors import AnttError
from geodata.view import MapView

LOG = logging.getLogger("antt.prefetch")
_STARTED: set = set()
_LOCK = threading.Lock()
MAX_STARTED = 4096  # keys remembered; the caches themselves are bounded


def neighbours(view: MapView, first: int, last: int) -> list[MapView]:
    """The same view one period earlier and one later, inside the data's years."""
    n = view.year_to - view.year_from + 1
    out = []
    for step in (-n, n) if n > 1 else (-1, 1):
        y0, y1 = view.year_from + step, view.year_to + step
        if first <= y0 and y1 <= last:
            out.append(view.with_(year_from=y0, year_to=y1))
    return out


def prefetch_neighbours(store, view: MapView, first: int, last: int) -> threading.Thread | None:
    """Start computing the neighbouring periods of `view` unless already started; returns
    the thread doing it (None when there is nothing new to do)."""
    todo = []
    with _LOCK:
        if len(_STARTED) > MAX_STARTED:
            _STARTED.clear()
        for nv in neighbours(view, first, last):
            key = (store.location, store.revision, nv)
            if key not in _STARTED:
                _STARTED.add(key)
                todo.append(nv)
    if not todo:
        return None
    thread = threading.Thread(target=_compute, args=(store, todo), daemon=True)
    thread.start()
    return thread


def _compute(store, views: list[MapView]) -> None:
    for v in views:
        try:
            panel_cards(store, panels_for(store, v))  # the query, a comparison's base, cards
        except AnttError:  # e.g. no district level in that period: nothing to prepare
            continue
        except Exception:  # never a page's problem: logged for the developers
            LOG.exception("prefetch of %s failed", v)
