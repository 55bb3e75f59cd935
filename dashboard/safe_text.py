"""Untrusted text (names, model types, file names, URL values, error messages quoting
them) shown as the literal text it is: never as Markdown, HTML or mathtext.

One module so every call site escapes the same way. Hand-written because Streamlit
offers no escaping helper and its Markdown (CommonMark + GFM + directives + LaTeX) has
more active characters than any general-purpose escaper knows about.
"""

from __future__ import annotations

import html
import json
import re

# CommonMark shows any backslash-escaped ASCII punctuation literally. Escaped: inline
# markup (emphasis, links, images, code, HTML, entities), block starts (headings, lists,
# quotes, tables), `$…$` LaTeX, Streamlit's `:colour[…]`/`:material/…:` directives, and
# what makes GFM autolinks (`http://`, `www.`, `a@b`). Plain punctuation (' , ; . / ")
# stays unescaped so the Markdown source remains readable.
_MD_ACTIVE = re.compile(r"([\\`*_~\[\](){}!<>&$:#+\-=|@])|(?<=www)(\.)|^(\d+)([.)])", re.I)
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# in a <script> block `</script>` or `<!--` would end the script; U+2028/9 end a JS line
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_SCRIPT_UNSAFE |= {"\u2028": "\\u2028", "\u2029": "\\u2029"}


# GFM autolink literals are found in the text *after* escapes are resolved, so `http\://`
# still becomes a link: an invisible WORD JOINER breaks the pattern instead
_AUTOLINK = re.compile(r"(?<=http)(?=://)|(?<=https)(?=://)|(?<=www)(?=\.)|(?<=@)", re.I)
WORD_JOINER = "\u2060"


def md(value: object) -> str:
    """`value` as Markdown that renders as the text (one line: a newline in data must not
    start a heading, list or quote). Looks the same; a copied URL or e-mail address
    carries an invisible U+2060 so that it is not turned into a live link."""
    text = _AUTOLINK.sub(WORD_JOINER, _LINE_BREAKS.sub(" ", str(value)))
    return _MD_ACTIVE.sub(_escape_match, text)


def shown(text: str) -> str:
    """What a reader sees of `md(text)` once rendered (for tests and comparisons)."""
    return text.replace(WORD_JOINER, "")


def _escape_match(m: re.Match) -> str:
    if m.group(3):  # "1." or "1)" at the start would begin an ordered list
        return m.group(3) + "\\" + m.group(4)
    return "\\" + (m.group(1) or m.group(2))


def html_text(value: object) -> str:
    """`value` escaped for HTML element content or a quoted attribute."""
    return html.escape(str(value), quote=True)


def mpl(value: object) -> str:
    """`value` for a matplotlib text that still parses mathtext: `$` escaped.
    (Exports also turn mathtext off; this is for a text drawn outside that context.)"""
    return str(value).replace("$", r"\$")


def script_json(value: object) -> str:
    """JSON to embed in a <script>: no `</script>`, `<!--` or JS line terminator
    can end the script or the statement early."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


def md_frame(df):
    """A copy of a DataFrame for `st.table` (which renders Markdown in every cell,
    header and index): text cells, column names and index values through `md`."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(lambda v: md(v) if isinstance(v, str) else v)
    out.columns = [md(c) for c in out.columns]
    esc = lambda v: md(v) if isinstance(v, str) else v  # noqa: E731
    names = [esc(n) for n in out.index.names]
    if out.index.nlevels > 1:
        out.index = out.index.set_levels([lv.map(esc) for lv in out.index.levels])
    else:
        out.index = out.index.map(esc)
    out.index.names = names
    return out


def _missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT: shown as "–", never as "None" or "<NA>"."""
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def html_table(df, right: frozenset[str] = frozenset(), css_class: str = "antt-table") -> str:
    """A frame as one HTML table for `st.html`, every header and cell escaped.

    The ranking is drawn this way rather than with `st.table`, whose Markdown in every
    cell made it the slowest element of a first page (about 0.3 s of a 2.1 s map)."""

    def cell(tag: str, col: str, value: object) -> str:
        align = ' class="n"' if col in right else ""
        text = "–" if _missing(value) else value
        return f"<{tag}{align}>{html.escape(str(text))}</{tag}>"

    head = "".join(cell("th", c, c) for c in df.columns)
    body = "".join(
        "<tr>" + "".join(cell("td", c, v) for c, v in zip(df.columns, row, strict=True)) + "</tr>"
        for row in df.itertuples(index=False, name=None)
    )
    return (
        f'<div class="{html.escape(css_class)}-wrap"><table class="{html.escape(css_class)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
