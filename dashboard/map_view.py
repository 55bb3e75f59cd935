"""The interactive map as Folium objects, without Streamlit.

`base_map` holds what changes rarely (geometry of the shown level and area, outlines,
archipelago labels, view bounds) and is sent to the browser once; `values_layer` holds
what every filter change alters (colour class and tooltip per unit code, the legend,
model points) and is sent as streamlit-folium's dynamic feature group, so a filter
change never re-sends geometry and never remounts the map.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

import folium
import numpy as np
from branca.element import Element
from folium.elements import MacroElement
from jinja2 import Template

from dashboard.assets import CLUSTER_CSS, CLUSTER_JS, LEAFLET_CSS, LEAFLET_JS
from dashboard.format import fmt_number
from dashboard.notes import map_note
from dashboard.safe_text import script_json
from geodata.classify import NO_DATA_COLOUR, Classes
from geodata.display_docs import DisplayLayers
from geodata.islands import ARCHIPELAGOS
from geodata.query import ViewResult
from geodata.shared import SharedCache

MAP_SCRIPT = Path(__file__).with_name("map_script.js").read_text(encoding="utf-8")

CSS = """
<style>
.leaflet-container { background: #eef3f7; font-family: "DejaVu Sans", Arial, sans-serif;
  height: 100vh !important; }
.antt-legend { background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 18px; max-width: 260px; }
.antt-legend .sw { display: inline-block; width: 16px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #999; }
.antt-legend .ttl { font-weight: bold; margin-bottom: 3px; }
.antt-legend { pointer-events: none; transition: opacity .15s; }
.antt-legend.antt-faded { opacity: .12; }
.antt-big .antt-legend { font-size: clamp(13px, 1.3vw, 20px); line-height: 1.45; max-width: 30vw;
  padding: 10px 14px; }
.antt-big .antt-legend .sw { width: 26px; height: 18px; }
.antt-note { background: #fff4ce; border: 1px solid #d8b600; padding: 4px 8px; font-size: 12px;
  border-radius: 4px; max-width: 480px; }
.antt-caption { background: rgba(255,255,255,.93); padding: 4px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 16px; font-weight: bold; color: #1d2733; }
.antt-label { width: 0; height: 0; }
.antt-label span { display: inline-block; width: max-content; transform: translate(-50%, -50%);
  font-size: 11px; color: #1d2733; white-space: nowrap; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.antt-archipelago { width: 0; height: 0; }
.antt-archipelago span { display: inline-block; width: max-content; transform: translate(-50%, -100%); text-align: center;
  color: #1f4e79; font-size: 12px; font-weight: bold; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.antt-archipelago.above-left span { transform: translate(-100%, -100%); text-align: right; }
</style>
"""


class OfflineMap(folium.Map):
    """A Folium map whose Leaflet files are served by this app. The marker-cluster
    plugin is loaded by the map script when model points are first shown (they are off
    by default: one script fewer between a new page and its map)."""

    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS


class _Script(MacroElement):
    """Raw JavaScript in the map script; MAP_VAR becomes the map's variable name.

    streamlit-folium collects element scripts through their `script` macro, so this
    element does not add itself to the figure on render: branca would compile the
    (megabyte-sized) script text as a Jinja template, which costs ~0.4 s per rerun.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}")

    def __init__(self, js: str):
        super().__init__()
        self._name = "AnttScript"
        self.js = js

    def script_js(self) -> str:
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = getattr(parent, "_parent", None)
        return self.js.replace("MAP_VAR", parent.get_name()) if parent is not None else self.js

    def render(self, **kwargs) -> None:
        for child in self._children.values():
            child.render(**kwargs)


@dataclass(frozen=True)
class BaseLayers:
    """Everything the base map needs: where to fetch the geometry (content-hashed URLs,
    cached by the browser), the view bounds, labels and notes. No geometry itself: it
    is never part of a websocket message."""

    units_url: str
    outlines_url: str | None
    codes: tuple[str, ...]  # feature order of the units document: values are sent in it
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))
    show_archipelagos: bool
    notes: tuple[str, ...]  # shown on the map itself, so a screenshot keeps them
    border_weight: float = 0.6  # 0 for thousands of units at national zoom: fills stay readable

    @property
    def key(self) -> str:
        return hashlib.sha1(f"{self.units_url}|{self.outlines_url}".encode()).hexdigest()[:16]


def base_layers(layers: DisplayLayers, notes: tuple[str, ...], national: bool) -> BaseLayers:
    """The base map of prepared display layers; thousands of units at national zoom are
    drawn without borders so the fills stay readable."""
    n = len(layers.units_doc.codes)
    return BaseLayers(
        units_url=layers.units_doc.path,
        outlines_url=layers.outlines_doc.path if layers.outlines_doc is not None else None,
        codes=layers.units_doc.codes,
        bounds=tuple(tuple(float(x) for x in c) for c in layers.bounds),
        show_archipelagos=national,
        notes=notes,
        border_weight=0.0 if n > 2000 else (0.3 if n > 300 else 0.8),
    )


def archipelago_labels() -> tuple[list[dict], list[dict]]:
    """Island dots and one label per archipelago, above its northernmost island: centred
    for Hoàng Sa; for Trường Sa, the easternmost land of the map, ending at its
    easternmost island so the map's right edge never cuts it."""
    owners = {"Hoàng Sa": "Đà Nẵng", "Trường Sa": "Khánh Hòa"}
    dots, labels = [], []
    for name, islands in ARCHIPELAGOS.items():
        dots += [{"lat": lat, "lon": lon} for _, lat, lon in islands]
        lats, lons = [i[1] for i in islands], [i[2] for i in islands]
        lat, lon, side = max(lats) + 0.35, sum(lons) / len(lons), "above"
        if name == "Trường Sa":
            lon, side = max(lons), "above-left"
        label = f"Quần đảo {name}<br>({owners[name]})"
        labels.append({"lat": lat, "lon": lon, "label": label, "side": side})
    return dots, labels


def base_map(
    base: BaseLayers, tile_url: str | None = None, tile_attribution: str = ""
) -> folium.Map:
    """The constant part of the map (see module docstring)."""
    m = OfflineMap(
        location=(16.0, 106.5),
        zoom_start=5,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,
        zoom_snap=0.25,
    )
    if tile_url:
        folium.TileLayer(
            tiles=tile_url, attr=tile_attribution or "Bản đồ nền nội bộ", name="Bản đồ nền"
        ).add_to(m)
    m.get_root().header.add_child(Element(CSS))
    dots, labels = archipelago_labels() if base.show_archipelagos else ([], [])
    setup = {
        "unitsUrl": base.units_url,
        "outlinesUrl": base.outlines_url,
        "islandLabels": dots,
        "archipelagos": labels,
        "noteHtml": html.escape(map_note(base.notes)),
        "unitWeight": base.border_weight,
        "clusterJs": CLUSTER_JS[0][1],
        "clusterCss": [url for _name, url in CLUSTER_CSS],
        "bounds": [list(base.bounds[0]), list(base.bounds[1])],
    }
    js = (
        "window.antt = window.antt || {}; Object.assign(window.antt, "
        + script_json(setup)
        + ");\n"
        + MAP_SCRIPT
    )
    _Script(js).add_to(m)
    m.fit_bounds([list(base.bounds[0]), list(base.bounds[1])])
    return m


COUNT_METRICS = (
    "model_count",
    "model_units",
    "certified_count",
    "hotspot_count",
    "transitioned_count",
)


def class_labels(classes: Classes, metric) -> list[str]:
    """Readable class ranges: whole numbers for counts ('0', '1', '3 – 11'), value
    ranges with decimals for rates and shares; the classes' own words where they have
    them (categories, change maps)."""
    if classes.labels:
        return list(classes.labels)
    labels, lo = [], classes.low
    for i, hi in enumerate(classes.breaks):
        if metric.key in COUNT_METRICS:
            start = int(lo) if i == 0 else int(lo) + 1
            end = int(hi)
            labels.append(
                fmt_number(end, metric)
                if classes.exact or start >= end
                else f"{fmt_number(start, metric)} – {fmt_number(end, metric)}"
            )
        else:
            start = classes.lows[i] if classes.lows else lo
            a, b = fmt_number(start, metric), fmt_number(hi, metric)
            labels.append(b if classes.exact or a == b else f"{a} – {b}")
        lo = hi
    return labels


def legend_title(metric, change: bool = False) -> str:
    """'Số mô hình … (mô hình)'; a change map's in its own units (percentage points)."""
    unit = "điểm %" if change and metric.is_share else metric.unit
    label = f"Thay đổi {metric.label[0].lower()}{metric.label[1:]}" if change else metric.label
    return f"{label} ({unit})"


def legend_html(
    result: ViewResult, classes: Classes, title: str | None = None, period: str | None = None
) -> str:
    metric = result.view.metric_info
    title = title or legend_title(metric)
    period = period or result.view.period_label
    parts = [f'<div class="ttl">{html.escape(title)}<br>{html.escape(period)}</div>']
    for colour, label in zip(classes.colours, class_labels(classes, metric), strict=True):
        parts.append(
            f'<div><span class="sw" style="background:{colour}"></span>{html.escape(label)}</div>'
        )
    parts.append(
        f'<div><span class="sw" style="background:{NO_DATA_COLOUR}"></span>'
        f"{html.escape(classes.no_data_label)}</div>"
    )
    return "".join(parts)


TIP_COLUMNS = (
    "value",
    "model_count",
    "model_units",
    "certified_count",
    "n_communes",
    "communes_with_status",
    "hotspot_count",
    "transitioned_count",
)
# class of unit i = bins[i]; "-": no value (no-data colour), ".": not in the result
CLASS_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _numbers(a: np.ndarray) -> list:
    """A JSON-ready list: whole numbers as ints, others rounded to 3 decimals, NaN as null."""
    a = np.round(a.astype(float), 3)
    nan = np.isnan(a)
    whole = np.all(a[~nan] == np.round(a[~nan]))
    out = (np.where(nan, 0, a).astype(np.int64) if whole else a).tolist()
    for i in np.flatnonzero(nan):
        out[i] = None
    return out


@dataclass(frozen=True)
class MapDress:
    """How one map of a view is dressed: the legend (or none: a comparison's two maps
    share the one on the right), a caption naming its period, a change map's wording
    (signed values), and whether unit names are written on it."""

    legend: bool = True
    legend_title: str | None = None
    legend_period: str | None = None
    caption: str = ""
    change: bool = False
    labels: bool = False


def values_payload(
    result: ViewResult, classes: Classes, codes: tuple[str, ...], dress: MapDress = MapDress()
) -> dict:
    """What a filter change sends: per unit, in the order of the units document
    (`codes`), its class (one character of `bins`) and the numbers the tooltip shows,
    as columns; the metric's wording and the legend. No codes, no geometry."""
    r = result.rows.assign(code=result.rows["code"].astype(str), bin=classes.bins)
    r = r.set_index("code").reindex(list(codes))
    found = r["bin"].notna().to_numpy()
    bins = np.where(found, r["bin"].fillna(-1).to_numpy(), -2).astype(int)
    metric = result.view.metric_info
    legend = (
        legend_html(result, classes, dress.legend_title, dress.legend_period)
        if dress.legend
        else ""
    )
    payload = {
        "n": len(codes),
        "bins": "".join(CLASS_DIGITS[b] if b >= 0 else "-."[-b - 1] for b in bins),
        "cols": {c: _numbers(r[c].to_numpy()) for c in TIP_COLUMNS},
        "colours": list(classes.colours),
        "noData": NO_DATA_COLOUR,
        "legendHtml": legend,
        "metric": {
            "label": legend_title(metric, True).rsplit(" (", 1)[0]
            if dress.change
            else metric.label,
            "pct": metric.is_share,
            "digits": 0 if metric.key in COUNT_METRICS else (1 if metric.is_share else 2),
            "signed": dress.change,
        },
        "caption": dress.caption,
        "labels": dress.labels,
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    payload["key"] = hashlib.sha1(text.encode()).hexdigest()[:16]
    return payload


# here, not in app.py: Streamlit executes the page script anew on every run, so a cache
# made there lives for one run only (this one is shared by every session of the process)
_PAYLOADS = SharedCache(64)
_PAYLOAD_JSON = SharedCache(64)  # payload key -> its text in the map script


def shared_payload(
    store, view, result: ViewResult, classes: Classes, base: BaseLayers, dress: MapDress
) -> dict:
    """The map values of one map of a view: built once per store revision and base map,
    since every session at a meeting asks for the same few views."""
    key = (store.location, store.revision, view, result.view, base.key, dress)
    return _PAYLOADS.get(key, lambda: values_payload(result, classes, base.codes, dress))


def payload_rows(payload: dict, codes: tuple[str, ...]) -> dict[str, list]:
    """{code: [class, value, …]} from a payload: how the browser reads it, for tests."""
    cols = [payload["cols"][c] for c in TIP_COLUMNS]
    return {
        code: [CLASS_DIGITS.find(payload["bins"][i]), *(col[i] for col in cols)]
        for i, code in enumerate(codes)
        if payload["bins"][i] != "."
    }


def values_layer(payload: dict, points: list[list] | None = None) -> folium.FeatureGroup:
    """The dynamic part: restyles the base layer; optional clustered model points
    given as [lat, lon, tooltip] rows (tooltip already HTML-escaped: Leaflet renders it)."""
    fg = folium.FeatureGroup(name="Số liệu", control=False)
    js = (
        "window.antt = window.antt || {}; window.antt.valuesAt = window.antt.valuesAt || "
        "Date.now(); window.antt.pending = "
        + _PAYLOAD_JSON.get(payload["key"], lambda: script_json(payload))
        + "; if (window.antt.apply) { window.antt.apply(window.antt.pending); }\n"
        # the points of the previous run go (hidden again when the switch is turned off)
        + "window.antt.pointsRun = (window.antt.pointsRun || 0) + 1;"
        + "if (window.antt.points) { window.antt.points.remove(); window.antt.points = null; }\n"
    )
    if points:
        js += (
            "(function (run) { window.antt.withCluster(function () {"
            " if (window.antt.pointsRun !== run) return;  var cl = L.markerClusterGroup("
            "{showCoverageOnHover: false}); var pts = " + script_json(points) + ";"
            " pts.forEach(function(p){ L.circleMarker([p[0], p[1]], {radius: 5, color: '#b30000',"
            " weight: 1, fillColor: '#ff6f00', fillOpacity: 0.9}).bindTooltip(p[2]).addTo(cl); });"
            " cl.addTo(MAP_VAR); window.antt.points = cl; }); })(window.antt.pointsRun);\n"
        )
    _Script(js).add_to(fg)
    return fg
