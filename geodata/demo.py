"""A deterministic, nationwide demo registry of models and commune status, 2014–2026.

Figures vary by place and grow over time; where the source articles report figures
(`CALIBRATIONS`), the demo reproduces them exactly for that area and year. Every row
is marked `is_demo = 1`. The same seed always gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geodata.demo_catalogue import (
    FIRST_MODEL_YEAR,
    FIRST_YEAR,
    LAST_YEAR,
    MODEL_TYPES,
    REFORM_YEAR,
    TYPE_NAMES,
)
from geodata.errors import BuildError

SEED = 20140625  # the date of the Thăng Bình round table (seed 000)
RECOGNITIONS = np.array(["national", "provincial", "district", "none"])
RECOGNITION_P = np.array([0.02, 0.08, 0.2, 0.7])


@dataclass(frozen=True)
class Calibration:
    """Exact figures an area must show in one year (from a source article)."""

    source: str
    level: str  # "province" or "district" of vn-2024
    code: str
    year: int
    active_models: int
    n_types: int | None = None
    model_units: int | None = None
    national: int | None = None
    provincial: int | None = None
    certified: int | None = None
    hotspots: int | None = None
    transitioned: int | None = None


CALIBRATIONS = (
    Calibration(
        "004 Hòa Bình 2015–2020",
        "province",
        "17",
        2020,
        112,
        n_types=5,
        model_units=4778,
        certified=123,
        hotspots=36,
        transitioned=25,
    ),
    Calibration("000 Thăng Bình 2014", "district", "513", 2014, 89),
    Calibration("002 Bạc Liêu 2018", "province", "95", 2018, 30, national=5, provincial=8),
    Calibration("003 Bình Xuyên 2016", "district", "249", 2016, 34),
)


def _year_weights(first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    years = np.arange(first, last + 1)
    w = 1.0 + 0.18 * (years - first)  # more models start each year
    return years, w / w.sum()


def _generic_models(communes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Models for every commune: activity varies by province and district."""
    prov = communes["province_code"].unique()
    dist = communes["parent_code"].unique()
    a_p = dict(zip(prov, rng.lognormal(0.0, 0.45, len(prov)), strict=True))
    a_d = dict(zip(dist, rng.lognormal(0.0, 0.3, len(dist)), strict=True))
    lam = 1.5 * communes["province_code"].map(a_p) * communes["parent_code"].map(a_d)
    n = rng.poisson(lam.to_numpy())
    idx = np.repeat(np.arange(len(communes)), n)
    years, p = _year_weights(FIRST_MODEL_YEAR, LAST_YEAR)
    start = rng.choice(years, size=len(idx), p=p)
    return pd.DataFrame({"commune": communes["code"].to_numpy()[idx], "start_year": start})


def _calibrated_models(
    c: Calibration, area: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Models of one calibrated area: exactly `active_models` active in `c.year`,
    plus some that ended before and some that start after, so series still move."""
    n_act = c.active_models
    ended = max(1, round(0.1 * n_act))
    later = round(0.07 * n_act * (LAST_YEAR - c.year))
    years_before, p_before = _year_weights(FIRST_MODEL_YEAR, c.year)
    start_act = rng.choice(years_before, size=n_act, p=p_before)
    end_act = np.where(rng.random(n_act) < 0.15, rng.integers(c.year, LAST_YEAR + 1, n_act), -1)
    start_end = rng.integers(FIRST_MODEL_YEAR, c.year - 1, ended)
    end_end = np.minimum(start_end + rng.integers(1, 4, ended), c.year - 1)
    start_later = rng.integers(c.year + 1, LAST_YEAR + 1, later)
    df = pd.DataFrame(
        {
            "commune": rng.choice(area["code"].to_numpy(), size=n_act + ended + later),
            "start_year": np.r_[start_act, start_end, start_later],
            "end_year": np.r_[end_act, end_end, np.full(later, -1)],
            "active_in_target": np.r_[np.ones(n_act, bool), np.zeros(ended + later, bool)],
        }
    )
    return df


def _assign_attributes(df: pd.DataFrame, rng: np.random.Generator, type_p: dict) -> pd.DataFrame:
    n = len(df)
    types = np.empty(n, dtype=object)
    for prov, idx in df.groupby("province_code").indices.items():
        types[idx] = rng.choice(TYPE_NAMES, size=len(idx), p=type_p[prov])
    df["model_type"] = types
    df["base_name"] = [rng.choice(MODEL_TYPES[t]) for t in types]
    df["recognition"] = rng.choice(RECOGNITIONS, size=n, p=RECOGNITION_P)
    df["model_units"] = np.maximum(1, np.round(rng.lognormal(3.2, 0.8, n))).astype(int)
    df["members"] = (df["model_units"] * rng.integers(4, 16, n)).astype(int)
    df["end_year"] = df["end_year"].fillna(-1).astype(int)
    # calibrated areas set their own end years; touching them would break the figures
    ends = (df["end_year"] == -1) & (df["calibration"] == "") & (rng.random(n) < 0.12)
    df.loc[ends, "end_year"] = np.minimum(
        df.loc[ends, "start_year"] + rng.integers(2, 9, int(ends.sum())), LAST_YEAR
    )
    return df


def _apply_calibration_attributes(
    c: Calibration, df: pd.DataFrame, rng: np.random.Generator
) -> None:
    act = df.index[df["active_in_target"]]
    if c.n_types:
        chosen = rng.choice(TYPE_NAMES, size=c.n_types, replace=False)
        types = np.r_[chosen, rng.choice(chosen, size=len(act) - c.n_types)]
        rng.shuffle(types)
        df.loc[act, "model_type"] = types
        df.loc[act, "base_name"] = [rng.choice(MODEL_TYPES[t]) for t in types]
    if c.model_units:
        share = rng.dirichlet(np.full(len(act), 1.5))
        extra = rng.multinomial(c.model_units - len(act), share)
        df.loc[act, "model_units"] = 1 + extra
        df.loc[act, "members"] = df.loc[act, "model_units"] * rng.integers(4, 16, len(act))
    if c.national is not None or c.provincial is not None:
        rec = np.array(
            ["national"] * (c.national or 0) + ["provincial"] * (c.provincial or 0), dtype=object
        )
        rest = rng.choice(["district", "none"], size=len(act) - len(rec), p=[0.35, 0.65])
        labels = np.r_[rec, rest]
        rng.shuffle(labels)
        df.loc[act, "recognition"] = labels


def _area_communes(communes: pd.DataFrame, c: Calibration) -> pd.DataFrame:
    col = "province_code" if c.level == "province" else "parent_code"
    area = communes[communes[col] == c.code]
    if area.empty:
        raise BuildError(f"Hiệu chỉnh '{c.source}': không có xã nào thuộc mã {c.code} ({c.level}).")
    return area


def _points(df: pd.DataFrame, shapes: dict[tuple[str, str], object], rng: np.random.Generator):
    """A point inside the model's commune for about half of the models (others: none)."""
    lon = np.full(len(df), np.nan)
    lat = np.full(len(df), np.nan)
    has = rng.random(len(df)) < 0.5
    for i in np.flatnonzero(has):
        geom = shapes[(df["version"].iat[i], df["commune_code"].iat[i])]
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(30):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(geom, x, y):
                lon[i], lat[i] = round(x, 6), round(y, 6)
                break
    return lon, lat


def demo_models(units, crosswalk: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The demo model registry.

    Parameters
    ----------
    units : GeoDataFrame
        Reference units (EPSG:4326) of both versions, as built by `build_reference`.
    crosswalk : DataFrame
        vn-2024 -> vn-2025 commune shares.

    Returns
    -------
    DataFrame with the `models` columns of `geodata.schema.MODEL_COLUMNS`. Models that
    start in or after 2025 are registered on vn-2025 commune codes, others on vn-2024.
    """
    rng = np.random.default_rng(seed)
    old = units[(units["version"] == "vn-2024") & (units["level"] == "commune")]
    communes = pd.DataFrame(old[["code", "parent_code", "province_code"]])

    generic = _generic_models(communes, rng)
    calibrated = []
    for c in CALIBRATIONS:
        area = _area_communes(communes, c)
        generic = generic[~generic["commune"].isin(area["code"])]
        part = _calibrated_models(c, area, rng)
        part["calibration"] = c.source
        calibrated.append(part)
    df = pd.concat(
        [generic.assign(active_in_target=False, calibration=""), *calibrated], ignore_index=True
    )
    df = df.merge(communes.rename(columns={"code": "commune"}), on="commune", how="left")

    provinces = communes["province_code"].unique()
    type_p = {p: rng.dirichlet(np.full(len(TYPE_NAMES), 2.0)) for p in provinces}
    df = _assign_attributes(df, rng, type_p)
    for c in CALIBRATIONS:
        part = df[df["calibration"] == c.source]
        sub = part.copy()
        _apply_calibration_attributes(c, sub, rng)
        df.loc[sub.index] = sub

    # Models registered after the reform carry the code of the new commune that
    # received most of the old one's area.
    successor = crosswalk.sort_values("share", ascending=False).drop_duplicates("from_code")
    successor = dict(zip(successor["from_code"], successor["to_code"], strict=True))
    after = df["start_year"] >= REFORM_YEAR
    df["version"] = np.where(after, "vn-2025", "vn-2024")
    df["commune_code"] = np.where(after, df["commune"].map(successor), df["commune"])

    communes_all = units[units["level"] == "commune"]
    names = dict(
        zip(
            zip(communes_all["version"], communes_all["code"], strict=True),
            communes_all["name"],
            strict=True,
        )
    )
    shapes = dict(
        zip(
            zip(communes_all["version"], communes_all["code"], strict=True),
            communes_all.geometry,
            strict=True,
        )
    )
    df["name"] = [
        f"{b} – {names[(v, c)]}"
        for b, v, c in zip(df["base_name"], df["version"], df["commune_code"], strict=True)
    ]
    df["lon"], df["lat"] = _points(df, shapes, rng)
    df = df.sort_values(
        ["version", "commune_code", "start_year", "name"], kind="stable"
    ).reset_index(drop=True)
    df["model_id"] = [f"DEMO-{i + 1:06d}" for i in range(len(df))]
    df["end_year"] = df["end_year"].where(df["end_year"] >= 0).astype("Int64")
    df["is_demo"] = 1
    return df[
        [
            "model_id",
            "name",
            "model_type",
            "commune_code",
            "version",
            "start_year",
            "end_year",
            "recognition",
            "model_units",
            "members",
            "lon",
            "lat",
            "is_demo",
        ]
    ].astype({"start_year": int, "model_units": int, "members": int})


# ---------------------------------------------------------------- commune status


@dataclass(frozen=True)
class _Trajectories:
    codes: np.ndarray
    certified_year: np.ndarray  # first year certified; 9999 = never
    listed_year: np.ndarray  # year put on the hotspot list; 9999 = never
    transition_year: np.ndarray  # year taken off the list; 9999 = not (yet)


NEVER = 9999


def _old_trajectories(communes: pd.DataFrame, rng: np.random.Generator) -> _Trajectories:
    n = len(communes)
    prov = communes["province_code"].to_numpy()
    uniq = np.unique(prov)
    f0 = dict(zip(uniq, rng.uniform(0.25, 0.6, len(uniq)), strict=True))
    g = dict(zip(uniq, rng.uniform(0.025, 0.05, len(uniq)), strict=True))
    hot_rate = dict(zip(uniq, rng.uniform(0.03, 0.1, len(uniq)), strict=True))
    u = rng.random(n)
    base = np.array([f0[p] for p in prov])
    slope = np.array([g[p] for p in prov])
    # certified from the first year in which the province's rate passes the commune's draw
    cy = np.where(
        u <= base, FIRST_YEAR - rng.integers(0, 4, n), FIRST_YEAR + np.ceil((u - base) / slope)
    )
    cy = np.where(cy > LAST_YEAR, NEVER, cy).astype(int)
    hot = rng.random(n) < np.array([hot_rate[p] for p in prov])
    ly = np.where(hot, rng.integers(2012, LAST_YEAR + 1, n), NEVER)
    ty = np.where(hot, ly + rng.geometric(0.3, n), NEVER)
    ty = np.where(ty > LAST_YEAR, NEVER, ty)
    return _Trajectories(communes["code"].to_numpy(), cy, ly, ty)


def _calibrate_status(
    t: _Trajectories, idx: np.ndarray, c: Calibration, rng: np.random.Generator
) -> None:
    """Rewrite the trajectories of one area so that year `c.year` shows exactly the
    calibration's certified / hotspot / transitioned counts."""
    y = c.year
    n = len(idx)
    if c.certified is None or c.hotspots is None or c.transitioned is None:
        return
    still_hot = c.hotspots - c.transitioned
    if c.certified > n - still_hot:
        raise BuildError(
            f"Hiệu chỉnh '{c.source}': {c.certified} xã đạt chuẩn vượt quá {n - still_hot}."
        )
    order = rng.permutation(idx)
    hot, rest = order[: c.hotspots], order[c.hotspots :]
    trans, active = hot[: c.transitioned], hot[c.transitioned :]
    t.listed_year[rest] = np.where(
        rng.random(len(rest)) < 0.05, rng.integers(y + 1, LAST_YEAR + 1, len(rest)), NEVER
    )
    t.transition_year[rest] = NEVER
    t.listed_year[trans] = rng.integers(2012, y, len(trans))
    t.transition_year[trans] = np.minimum(t.listed_year[trans] + rng.integers(1, 5, len(trans)), y)
    t.listed_year[active] = rng.integers(2012, y + 1, len(active))
    t.transition_year[active] = np.where(
        rng.random(len(active)) < 0.5, rng.integers(y + 1, LAST_YEAR + 1, len(active)), NEVER
    )
    eligible = np.r_[trans, rest]  # not an active hotspot in year y
    eligible = rng.permutation(eligible)
    yes, no = eligible[: c.certified], eligible[c.certified :]
    floor = np.where(np.isin(yes, trans), t.transition_year[yes], FIRST_YEAR - 3)
    t.certified_year[yes] = np.maximum(floor, rng.integers(FIRST_YEAR - 3, y + 1, len(yes)))
    t.certified_year[yes] = np.minimum(t.certified_year[yes], y)
    t.certified_year[no] = np.where(
        rng.random(len(no)) < 0.6, rng.integers(y + 1, LAST_YEAR + 1, len(no)), NEVER
    )
    t.certified_year[active] = np.where(
        t.transition_year[active] < NEVER, t.transition_year[active] + 1, NEVER
    )
    t.certified_year[active] = np.where(
        t.certified_year[active] > LAST_YEAR, NEVER, t.certified_year[active]
    )


def _status_rows(t: _Trajectories, version: str, years: range) -> pd.DataFrame:
    frames = []
    for y in years:
        hotspot = t.listed_year <= y
        transitioned = t.transition_year <= y
        active_hot = hotspot & ~transitioned
        certified = (t.certified_year <= y) & ~active_hot
        frames.append(
            pd.DataFrame(
                {
                    "version": version,
                    "code": t.codes,
                    "year": y,
                    "certified": certified.astype(int),
                    "hotspot": hotspot.astype(int),
                    "transitioned": transitioned.astype(int),
                    "is_demo": 1,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _new_trajectories(
    old: _Trajectories, crosswalk: pd.DataFrame, old_area: dict[str, float], new_codes: np.ndarray
) -> _Trajectories:
    """Trajectories of vn-2025 communes from their predecessors, weighted by the area
    each predecessor gave: certified when predecessors holding most of the area were;
    a hotspot when a predecessor holding a quarter or more was."""
    pos = {c: i for i, c in enumerate(old.codes)}
    cw = crosswalk.assign(
        w=crosswalk["share"] * crosswalk["from_code"].map(old_area),
        i=crosswalk["from_code"].map(pos),
    )
    cy_new, ly_new, ty_new = [], [], []
    groups = cw.groupby("to_code")
    for code in new_codes:
        g = groups.get_group(code)
        w = g["w"].to_numpy() / g["w"].sum()
        i = g["i"].to_numpy()
        cys = old.certified_year[i]
        order = np.argsort(cys, kind="stable")
        reached = np.cumsum(w[order]) >= 0.5
        cy_new.append(int(cys[order][np.argmax(reached)]))
        major = w >= 0.25
        ly = old.listed_year[i][major]
        ty = old.transition_year[i][major]
        hot = ly < NEVER
        if hot.any():
            ly_new.append(int(ly[hot].min()))
            ty_new.append(int(ty[hot].max()))
        else:
            ly_new.append(NEVER)
            ty_new.append(NEVER)
    return _Trajectories(
        np.asarray(new_codes), np.array(cy_new), np.array(ly_new), np.array(ty_new)
    )


def demo_status(units, crosswalk: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Yearly status of every commune: vn-2024 codes for 2014–2024, vn-2025 codes for
    2025–2026 (derived from the predecessors through the crosswalk).

    `hotspot` = on the hotspot list at any time up to the year; `transitioned` = taken
    off the list by the end of the year (so it implies `hotspot`); `certified` = meets
    the security standard that year (never while an active hotspot).
    """
    rng = np.random.default_rng(seed + 1)
    old = units[(units["version"] == "vn-2024") & (units["level"] == "commune")]
    communes = pd.DataFrame(old[["code", "parent_code", "province_code", "area_km2"]]).reset_index(
        drop=True
    )
    t = _old_trajectories(communes, rng)
    for c in CALIBRATIONS:
        col = "province_code" if c.level == "province" else "parent_code"
        _calibrate_status(t, np.flatnonzero(communes[col].to_numpy() == c.code), c, rng)
    new_codes = units[(units["version"] == "vn-2025") & (units["level"] == "commune")][
        "code"
    ].to_numpy()
    t_new = _new_trajectories(
        t, crosswalk, dict(zip(communes["code"], communes["area_km2"], strict=True)), new_codes
    )
    return pd.concat(
        [
            _status_rows(t, "vn-2024", range(FIRST_YEAR, REFORM_YEAR)),
            _status_rows(t_new, "vn-2025", range(REFORM_YEAR, LAST_YEAR + 1)),
        ],
        ignore_index=True,
    )
