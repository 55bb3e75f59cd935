"""Static map exports (PNG, PDF, PowerPoint) of a view spec, without Streamlit.

`snapshot` gathers everything an export shows (the numbers come from the same core
query, classification and figure cards as the page); `render` draws it with
matplotlib; `writers` turns it into files, atomically; `batch` repeats it per area.
"""
