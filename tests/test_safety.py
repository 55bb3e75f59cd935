"""Untrusted text stays text: formulas in every spreadsheet we write, Markdown, HTML and
mathtext in what we show; odd files give one clear line, never a traceback; the server
listens on loopback unless told otherwise."""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib as mpl
import openpyxl
import pandas as pd
import pytest

from dashboard import cli
from dashboard.auth_config import AUTH_KEYS
from dashboard.cli import build_parser, main, serve_argv
from dashboard.safe_text import WORD_JOINER, html_text, md, script_json, shown
from dashboard.safe_text import mpl as mpl_text
from dashboard.tables import to_csv_bytes, to_xlsx_bytes
from geodata.store import GpkgStore
from loaders.registry_files import boundary_report_xlsx, template_bytes
from loaders.sheets import CSV_FIELD_LIMIT, display_name, safe_cell, safe_frame
from tests.registry_files import GOOD, HEADER

FORMULAS = [
    '=HYPERLINK("http://evil.example","bấm")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
EVIL_IMAGE = "![x](http://evil.example/p.png)"
NON_UTF8 = os.fsdecode(b"\xff\xfe-so-lieu.csv")


@pytest.fixture
def store_copy(demo_build, tmp_path):
    path = tmp_path / "antt.gpkg"
    shutil.copy(demo_build.path, path)
    return GpkgStore.open(path)


def _registry_csv(path: Path, rows, extra: dict[str, str] | None = None) -> Path:
    header = list(HEADER) + list(extra or {})
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow(list(r) + list((extra or {}).values()))
    return path


def _cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _assert_no_formula(data: bytes) -> list:
    cells = _cells(data)
    assert cells, "an empty workbook proves nothing"
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    return [c.value for c in cells]


# ------------------------------------------------------------------ spreadsheets


@pytest.mark.parametrize("text", FORMULAS)
def test_safe_cell_neutralises_formula_starts(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, -2.5, 0, "Xã Tân Lạc", "", None, "Hòa Bình = 1"])
def test_safe_cell_keeps_numbers_and_plain_text(value):
    assert safe_cell(value) == value


def test_ranking_downloads_keep_formulas_as_text_and_numbers_as_numbers():
    table = pd.DataFrame(
        {"Mã": ["001", "002", "003"], "Tên đơn vị": FORMULAS[:3], "Giá trị": [-1.5, 2.0, None]}
    )
    values = _assert_no_formula(to_xlsx_bytes(table, "=cmd|' /C calc'!A0"))
    for text in FORMULAS[:3]:
        assert "'" + text in values
    assert "'=cmd|' /C calc'!A0" in values
    assert -1.5 in values  # a negative number stays a number
    text = to_csv_bytes(table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["'" + t for t in FORMULAS[:3]]
    assert rows[1][2] == "-1,5"  # Vietnamese decimal mark


def test_safe_frame_neutralises_headers_and_leaves_the_input_alone():
    df = pd.DataFrame({"=A1": ["=B2"], "n": [-1]})
    out = safe_frame(df)
    assert list(out.columns) == ["'=A1", "n"] and out.iloc[0, 0] == "'=B2"
    assert df.iloc[0, 0] == "=B2"  # a copy: the caller's table is unchanged


def test_reject_report_from_the_cli_shows_formulas_as_text(store_copy, tmp_path):
    bad = [
        [9, "Tổ tuần tra", "Phòng, chống tội phạm", "Hòa Bình", "Kim Bôi", f, 2016, 2]
        for f in FORMULAS[:4]
    ]
    f = _registry_csv(tmp_path / "ds.csv", GOOD[:1] + bad)
    report = tmp_path / "bao-cao.xlsx"
    args = ["import-models", str(f), "--store", str(store_copy.path), "--report", str(report)]
    assert main([*args, "--dry-run"]) == 0
    values = _assert_no_formula(report.read_bytes())
    for text in FORMULAS[:4]:
        assert "'" + text in values


def test_boundary_report_and_template_have_no_formula():
    check = SimpleNamespace(
        report=pd.DataFrame(
            {"Tên": [FORMULAS[0]], "Mã": ["@1"], "Vấn đề": ["x"], "Cách xử lý": ["-y"]}
        ),
        units=[],
        skipped=1,
        decisions=lambda: (),
    )
    values = _assert_no_formula(boundary_report_xlsx(check, "=evil.zip"))
    assert "'" + FORMULAS[0] in values and "'@1" in values and "'-y" in values
    _assert_no_formula(template_bytes())


# ------------------------------------------------------------------ page and map text


@pytest.mark.parametrize(
    "text,escaped",
    [
        ("![x](http://evil.example/p.png)", r"\!\[x\]\(http\://evil.example/p.png\)"),
        ("[t](http://evil.example)", r"\[t\]\(http\://evil.example\)"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("**đậm** _nghiêng_ `mã` $x$", r"\*\*đậm\*\* \_nghiêng\_ \`mã\` \$x\$"),
        (":red[đỏ] :material/home:", r"\:red\[đỏ\] \:material/home\:"),
        ("# Tiêu đề\n- mục", r"\# Tiêu đề \- mục"),
        ("1. www.evil.example a@b.vn", r"1\. www.evil.example a\@b.vn"),
        ("Chỉ tiêu 'nope'; dùng mặc định.", "Chỉ tiêu 'nope'; dùng mặc định."),
    ],
)
def test_md_escapes_every_markdown_construct(text, escaped):
    assert shown(md(text)) == escaped


def test_md_breaks_autolinks_invisibly():
    # GFM links `http://…`, `www.…` and e-mail addresses even when `:` is escaped
    out = md("http://a.vn https://b.vn www.c.vn d@e.vn")
    assert out.count(WORD_JOINER) == 4 and "http:" not in out and "www." not in out


def test_html_and_script_escaping():
    assert html_text('<img src=x onerror="a">') == "&lt;img src=x onerror=&quot;a&quot;&gt;"
    js = script_json({"name": "</script><script>alert(1)</script>", "sep": "\u2028"})
    assert "</script" not in js and "\u2028" not in js
    assert mpl_text("$x$") == r"\$x\$"


def test_model_point_tooltips_are_escaped(store_copy):
    from dashboard.app import model_points
    from geodata.query import query_view
    from geodata.view import MapView

    payload = "<img src=x onerror=alert(1)>"
    with sqlite3.connect(store_copy.path) as c:
        fid, code, year = c.execute(
            "SELECT fid, commune_code, start_year FROM models WHERE lon IS NOT NULL"
            " AND version = 'vn-2024' AND end_year IS NULL AND start_year >= 2015 LIMIT 1"
        ).fetchone()
        c.execute("UPDATE models SET name = ? WHERE fid = ?", (payload, fid))
    view = MapView(year_from=year, year_to=year, area=code, level="commune")
    tips = [p[2] for p in model_points(store_copy, query_view(store_copy, view))]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in tips)
    assert not any("<img" in t for t in tips)


def test_export_draws_dollar_signs_as_text(store_copy, tmp_path):
    from dashboard.export.render import RC
    from dashboard.export.snapshot import build_snapshot
    from dashboard.export.writers import export_bytes
    from geodata.view import MapView

    bad_math = r"$\notacommand{x}$"  # mathtext would fail to parse this and raise
    with sqlite3.connect(store_copy.path) as c:
        c.execute("UPDATE models SET model_type = ? WHERE commune_code LIKE '04%'", (bad_math,))
    assert RC["text.parse_math"] is False
    view = MapView(year_from=2020, year_to=2020, model_types=(bad_math,), area="17")
    png = export_bytes(build_snapshot(store_copy, view), "png")
    assert png.startswith(b"\x89PNG")
    with mpl.rc_context(RC):
        from matplotlib.figure import Figure

        t = Figure().text(0, 0, bad_math)
        assert t.get_parse_math() is False


# ------------------------------------------------------------------ odd files, no traceback


def test_csv_field_longer_than_pythons_default_imports(store_copy, tmp_path, capsys):
    long_name = "Tổ an ninh " + "x" * 200_000  # > 131,072: Python's csv default refuses it
    row = [1, long_name, *GOOD[0][2:]]
    f = _registry_csv(tmp_path / "dai.csv", [row])
    assert main(["import-models", str(f), "--store", str(store_copy.path)]) == 0
    with sqlite3.connect(store_copy.path) as c:
        (n,) = c.execute("SELECT COUNT(*) FROM models WHERE name = ?", (long_name,)).fetchone()
    assert n == 1


def test_csv_field_over_the_limit_is_one_clear_line(store_copy, tmp_path, capsys):
    f = tmp_path / "hong.csv"
    f.write_text(",".join(HEADER) + '\n1,"' + "x" * (CSV_FIELD_LIMIT + 10) + "\n", "utf-8")
    assert main(["import-models", str(f), "--store", str(store_copy.path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "hong.csv" in err and "dài quá 10 triệu ký tự" in err and "dấu ngoặc kép" in err


@pytest.mark.skipif(sys.platform != "linux", reason="a Linux file name may be any bytes")
def test_non_utf8_file_name_imports_and_is_stored_readably(store_copy, tmp_path, capsys):
    f = _registry_csv(tmp_path / NON_UTF8, GOOD[:1])
    assert main(["import-models", str(f), "--store", str(store_copy.path)]) == 0
    out = capsys.readouterr().out
    shown = "\ufffd\ufffd-so-lieu.csv"
    assert display_name(f.name) == shown and shown in out
    with sqlite3.connect(store_copy.path) as c:
        names = [r[0] for r in c.execute("SELECT file_name FROM imports")]
        (n,) = c.execute("SELECT COUNT(*) FROM models WHERE name = ?", (GOOD[0][1],)).fetchone()
    assert shown in names and n >= 1


@pytest.mark.skipif(sys.platform != "linux", reason="a Linux file name may be any bytes")
def test_unreadable_non_utf8_file_is_one_line(store_copy, tmp_path, capsys):
    f = tmp_path / os.fsdecode(b"\xff.xlsx")
    f.write_bytes(b"not a zip")
    assert main(["import-models", str(f), "--store", str(store_copy.path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Không đọc được tệp Excel" in err


def test_display_name_replaces_bad_bytes_and_control_characters():
    assert display_name(b"\xff\xfe.csv") == "\ufffd\ufffd.csv"
    assert display_name(Path("a\udcffb.csv")) == "a\ufffdb.csv"
    assert display_name("dòng\nmới\x1b.csv") == "dòng?mới?.csv"
    assert display_name("Sổ theo dõi.xlsx") == "Sổ theo dõi.xlsx"


def test_unexpected_cli_error_is_one_line_without_traceback(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("/srv/antt/secret.py hỏng")

    monkeypatch.setitem(cli.COMMANDS, "template", boom)
    assert main(["template"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "Lỗi ngoài dự kiến" in err and "--debug" in err
    with pytest.raises(RuntimeError, match="hỏng"):
        main(["--debug", "template"])


def test_unexpected_page_error_is_one_vietnamese_line(store, monkeypatch, caplog):
    import logging

    import streamlit_folium
    from streamlit.testing.v1 import AppTest

    import geodata.query

    def boom(*a, **k):
        raise KeyError("/srv/antt/geodata/query.py: cột 'x'")

    monkeypatch.setenv("ANTT_STORE", str(store.path))
    monkeypatch.setattr(streamlit_folium, "st_folium", lambda *a, **k: {})
    monkeypatch.setattr(geodata.query, "query_view", boom)
    log = logging.getLogger("antt.dashboard")  # the server log (stderr of `serve`)
    log.addHandler(caplog.handler)
    try:
        at = AppTest.from_file(
            str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py"), default_timeout=120
        ).run()
    finally:
        log.removeHandler(caplog.handler)
    assert not at.exception  # nothing left for Streamlit to show as a traceback
    (error,) = at.error
    assert error.value.startswith("Đã xảy ra lỗi ngoài dự kiến") and "mã lỗi" in error.value
    assert "/srv" not in error.value and "KeyError" not in error.value
    records = [r for r in caplog.records if r.name == "antt.dashboard"]
    assert records and all(r.exc_info[0] is KeyError for r in records)
    assert "/srv/antt" in str(records[0].exc_info[1])


# ------------------------------------------------------------------ server address


def test_serve_listens_on_loopback_unless_told(capsys):
    argv = serve_argv(build_parser().parse_args(["serve", "--headless"]))
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert argv[argv.index("--client.showErrorDetails") + 1] == "none"
    assert "--logger.hideWelcomeMessage" not in argv
    argv = serve_argv(build_parser().parse_args(["serve", "--address", "0.0.0.0"]))
    assert argv[argv.index("--server.address") + 1] == "0.0.0.0"
    # on every interface Streamlit's welcome would ask checkip.amazonaws.com: not shown
    assert argv[argv.index("--logger.hideWelcomeMessage") + 1] == "true"
    # Streamlit's XSRF protection (on by default) is never turned off, here or in config
    assert not any("enableXsrfProtection" in a or "enableCORS" in a for a in argv)
    config = (Path(cli.__file__).parent / ".streamlit" / "config.toml").read_text()
    assert "enableXsrfProtection" not in config and "enableCORS" not in config


def test_serve_without_login_refuses_a_network_address(demo_build, monkeypatch, capsys, tmp_path):
    execs = []
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: execs.append(argv))
    monkeypatch.setattr(os, "chdir", lambda p: None)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.delenv("ANTT_SECRETS", raising=False)
    base = ["serve", "--store", str(demo_build.path), "--headless"]
    assert main([*base, "--address", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "Không mở bảng điều khiển ra mạng (0.0.0.0)" in err and "--secrets" in err
    assert not execs, "Streamlit was started without a login on a network address"
    # --no-auth opens it, loudly
    main([*base, "--address", "0.0.0.0", "--no-auth"])
    err = capsys.readouterr().err
    assert "CẢNH BÁO (--no-auth)" in err and "“Nhập dữ liệu”" in err
    assert execs[-1][execs[-1].index("--server.address") + 1] == "0.0.0.0"
    # a half-written [auth] is named, and refused
    half = tmp_path / "secrets.toml"
    half.write_text('[auth]\nredirect_uri = "http://x/oauth2callback"\n', encoding="utf-8")
    assert main([*base, "--address", "0.0.0.0", "--secrets", str(half)]) == 2
    assert "thiếu cookie_secret, client_id" in capsys.readouterr().err
    # a complete one: the network address is allowed and Streamlit is given the file
    full = tmp_path / "full.toml"
    full.write_text("[auth]\n" + "".join(f'{k} = "v"\n' for k in AUTH_KEYS), encoding="utf-8")
    main([*base, "--address", "0.0.0.0", "--secrets", str(full)])
    assert "CẢNH BÁO" not in capsys.readouterr().err
    assert execs[-1][execs[-1].index("--secrets.files") + 1] == str(full.resolve())
    main(base)  # this machine only: no login needed, no warning
    assert "CẢNH BÁO" not in capsys.readouterr().err and "--secrets.files" not in execs[-1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses in LISTEN state on `port`, from the kernel's socket tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.rsplit(":", 1)
            if state == "0A" and int(p, 16) == port:
                found.add(addr)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net")
def test_started_server_listens_on_loopback_only(demo_build, tmp_path):
    from tests.browser_support import Server

    srv = Server(demo_build.path, tmp_path / "server.log")
    try:
        srv.wait_ready()
        assert _listening_addresses(srv.port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        srv.stop()


def test_md_frame_escapes_cells_headers_and_index_for_st_table():
    from dashboard.safe_text import md_frame

    df = pd.DataFrame(
        {"Trang tính": ["*a*"], "Dòng": [3], "Giá trị": [EVIL_IMAGE], "[h](u)": [-1]}
    ).set_index(["Trang tính", "Dòng"])
    out = md_frame(df)
    assert out.iloc[0, 0] == md(EVIL_IMAGE) and out.iloc[0, 1] == -1
    assert list(out.columns) == ["Giá trị", r"\[h\]\(u\)"]
    assert out.index[0] == (r"\*a\*", 3)
    assert df.iloc[0, 0] == EVIL_IMAGE  # the caller's table is unchanged


def test_html_table_keeps_names_and_headers_as_text():
    from html.parser import HTMLParser

    from dashboard.safe_text import html_table

    df = pd.DataFrame({"<b>Tên</b>": ["<img src=x onerror=alert(1)>", "A & B"], "Số": [1.5, None]})
    out = html_table(df, frozenset({"Số"}), 'x" onclick="y')

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: list[str] = []
            self.text: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    p = Cells()
    p.feed(out)
    assert set(p.tags) == {"div", "table", "thead", "tbody", "tr", "th", "td"}  # no img, no b
    assert p.text == ["<b>Tên</b>", "Số", "<img src=x onerror=alert(1)>", "1.5", "A & B", "–"]
    assert 'onclick="' not in out and '<td class="n">1.5</td>' in out
