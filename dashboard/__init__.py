"""The Streamlit page, the CLI and the exports. Only this package imports Streamlit."""
