"""The years in motion from the command line: a GIF with one frame per year (the year
stamped on each, one legend for all) and an MP4 that players open."""

from __future__ import annotations

import itertools

import imageio.v2 as iio2
import numpy as np
import pytest
from PIL import Image, ImageSequence

from dashboard.cli import main
from dashboard.export.animate import VIDEO_H, VIDEO_W, year_snapshots
from geodata.view import MapView


def _stamp(frame: np.ndarray) -> np.ndarray:
    """The corner where the year is written (right of the legend column, low)."""
    return frame[int(VIDEO_H * 0.55) : int(VIDEO_H * 0.82), int(VIDEO_W * 0.74) :]


def test_the_gif_has_one_frame_per_year_each_with_its_year(demo_build, tmp_path, capsys):
    out = tmp_path / "nam.gif"
    args = ["animate", "--store", str(demo_build.path), "--from", "2016", "--to", "2025",
            "--metric", "certified_share", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    assert f"Đã ghi {out}" in capsys.readouterr().out
    gif = Image.open(out)
    frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(gif)]
    assert len(frames) == 10 and gif.size == (VIDEO_W, VIDEO_H)
    assert gif.info["duration"] == 1500 and gif.info["loop"] == 0
    stamps = [_stamp(f) for f in frames]
    assert all((s.mean(axis=2) < 110).sum() > 2000 for s in stamps)  # large dark digits
    for a, b in itertools.pairwise(stamps):
        assert (np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 100).sum() > 200  # a new year
    Image.fromarray(frames[0]).save(tmp_path / "first.png")


def test_every_year_is_drawn_on_one_legend_with_the_page_numbers(store):
    view = MapView("certified_share", "province", 2016, 2025)
    years = list(range(2016, 2026))
    snaps = year_snapshots(store, view, years)
    assert [s.view.year_to for s in snaps] == years
    assert len({s.classes.breaks for s in snaps}) == 1 and len({s.labels for s in snaps}) == 1
    assert "chung cho 2016–2025" in snaps[0].legend_title
    # the 2025 reorganisation: 63 provinces until 2024, 34 from 2025
    assert len(snaps[0].result.rows) == 63 and len(snaps[-1].result.rows) == 34
    from dashboard.export.snapshot import build_snapshot

    page = build_snapshot(store, view.with_(year_from=2020, year_to=2020))
    assert [c.value for c in snaps[4].cards] == [c.value for c in page.cards]


def test_the_mp4_holds_each_year_and_plays(demo_build, tmp_path):
    out = tmp_path / "xa.mp4"
    assert main(["animate", "--store", str(demo_build.path), "--from", "2024", "--to", "2026",
                 "--area", "25", "--level", "commune", "--out", str(out)]) == 0  # fmt: skip
    reader = iio2.get_reader(out, format="FFMPEG")
    meta = reader.get_meta_data()
    assert meta["codec"] == "h264" and tuple(meta["size"]) == (VIDEO_W, VIDEO_H)
    assert reader.count_frames() == 3 * 15  # 1.5 s a year at 10 frames a second


@pytest.mark.parametrize(("name", "said"), [("x.avi", "dùng đuôi .gif hoặc .mp4"), ("x.gif", "")])
def test_a_wrong_file_or_a_single_year_is_said(demo_build, tmp_path, capsys, name, said):
    args = ["animate", "--store", str(demo_build.path), "--out", str(tmp_path / name)]
    if said:
        assert main([*args, "--from", "2020", "--to", "2022"]) == 2
        assert said in capsys.readouterr().err
    else:  # one year: the ten years that end with it
        assert main([*args, "--year", "2026", "--metric", "hotspot_count"]) == 0
        assert len(list(ImageSequence.Iterator(Image.open(tmp_path / name)))) == 10
