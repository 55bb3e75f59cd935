"""The map page's own layout rules: a compact header and a map that fills the height
of the window (Streamlit gives a component a fixed pixel height; a meeting room's
projector and a laptop need the map to follow the window instead)."""

from __future__ import annotations

# the iframe's height before the stylesheet applies (and for AppTest, which has none)
MAP_HEIGHT = 560

# Heights are measured from the top of the window: Streamlit's header bar, the title
# and the one-line subtitle take ~150 px, the caption under the map ~40 px. The map is
# never shorter than 380 px (a very small window scrolls instead).
PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding: 2.6rem 1.25rem 1rem 1.25rem; max-width: none; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.5rem; padding: 0 0 0.15rem 0; }
[data-testid="stMainBlockContainer"] h1 + div, .stMarkdown p { margin-bottom: 0.2rem; }
iframe[title="streamlit_folium.st_folium"] {
  height: max(380px, calc(100vh - 200px)) !important;
}
.antt-card { padding: 6px 10px !important; margin-bottom: 6px !important; }
.antt-card .antt-card-value { font-size: 1.2rem !important; }
</style>
"""


def uploader_css(types: list[str], limit_mb: int) -> str:
    """Vietnamese words for the file uploader, whose own "Upload" and "… MB per file"
    Streamlit does not let an app translate: its text is hidden and ours drawn in its
    place (CSS `content`; the types and the limit are ours, never user data)."""
    kinds = ", ".join(t.upper() for t in types)
    return f"""
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{
  font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "Chọn tệp"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "Kéo thả tệp vào đây hoặc bấm “Chọn tệp” · tối đa {limit_mb} MB mỗi tệp · {kinds}";
  font-size: 0.85rem; }}
</style>
"""


# st.dataframe's toolbar (search, download, full screen) speaks English and its CSV is
# not the one Excel set to Vietnamese reads: hidden; every table has our own download
TABLE_CSS = """
<style>
[data-testid="stElementToolbar"] { display: none !important; }
</style>
"""
