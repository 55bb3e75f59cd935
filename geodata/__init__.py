"""Domain core: schema, store, boundary versions, aggregation. Knows nothing of Streamlit."""
