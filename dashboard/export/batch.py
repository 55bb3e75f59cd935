"""One export per province of the country, or per district of a province.

Every file is written atomically, one after the other: when something fails midway
the files already written are complete and the failing one does not exist.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.export.render import ExportError
from dashboard.export.snapshot import build_snapshot
from dashboard.export.writers import check_format, write_export
from geodata.names import fold
from geodata.query import data_years
from geodata.schema import BOUNDARY_VERSIONS, LEVEL_LABELS_VI, LEVELS
from geodata.versions import version_for_period, versions_from_table
from geodata.view import MapView

EACH = ("province", "district")


@dataclass(frozen=True)
class Job:
    view: MapView
    name: str  # the area's name, for the progress bar
    file_name: str


def slug(text: str) -> str:
    """'Tỉnh Hòa Bình' -> 'tinh-hoa-binh' (file names that survive every file system)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def batch_jobs(store, view: MapView, each: str, fmt: str) -> list[Job]:
    """The views of a batch: `view` restricted to every province (each="province",
    `view.area` empty) or every district of the province `view.area` (each="district")."""
    if each not in EACH:
        raise ExportError(f"--each '{each}' không hợp lệ: chọn province hoặc district.")
    check_format(fmt)
    if LEVELS.index(view.level) <= LEVELS.index(each):
        raise ExportError(
            f"Mỗi tệp là một {LEVEL_LABELS_VI[each]}: cấp hiển thị phải nhỏ hơn "
            f"({', '.join(LEVELS[LEVELS.index(each) + 1 :])}), không phải {view.level}."
        )
    first, last = data_years(store)
    if view.year_from < first or view.year_to > last:
        raise ExportError(
            f"Kỳ {view.year_from}–{view.year_to} nằm ngoài dữ liệu: kho có số liệu từ {first} đến {last}."
        )
    version = version_for_period(versions_from_table(store.table(BOUNDARY_VERSIONS)), view.year_to)
    if each not in version.levels or view.level not in version.levels:
        raise ExportError(
            f"Phiên bản ranh giới {version.version} của kỳ {view.period_label} không có cấp huyện "
            "(từ 01/07/2025 chỉ còn tỉnh và xã): chọn một kỳ trước năm 2025."
        )
    units = store.units(version.version)
    if each == "province":
        if view.area:
            raise ExportError(
                "Xuất theo từng tỉnh là cho toàn quốc: bỏ --area, hoặc dùng --each district --area <mã tỉnh>."
            )
        areas = units[units["level"] == "province"]
    else:
        prov = units[(units["level"] == "province") & (units["code"] == view.area)]
        if not view.area or prov.empty:
            raise ExportError(
                f"Xuất theo từng huyện cần --area là mã một tỉnh của {version.version}"
                + (f" ('{view.area}' không phải mã tỉnh)." if view.area else ".")
            )
        areas = units[(units["level"] == "district") & (units["parent_code"] == view.area)]
    return [
        Job(view.with_(area=code), name, f"{code}_{slug(name)}.{fmt}")
        for code, name in sorted(zip(areas["code"], areas["name"], strict=True))
    ]


def export_batch(
    store,
    view: MapView,
    each: str,
    out_dir: str | os.PathLike,
    fmt: str = "png",
    on_file: Callable[[Job, Path], None] | None = None,
    jobs: list[Job] | None = None,
) -> list[Path]:
    """Write one file per area of `batch_jobs` into `out_dir` (created if missing)."""
    jobs = jobs if jobs is not None else batch_jobs(store, view, each, fmt)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise ExportError(
            f"'{folder}' là một tệp, không phải thư mục: chọn thư mục để ghi các bản đồ."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(f"Không tạo được thư mục '{folder}': {err.strerror}.") from err
    written = []
    for job in jobs:
        path = write_export(build_snapshot(store, job.view), folder / job.file_name, fmt)
        written.append(path)
        if on_file:
            on_file(job, path)
    return written
