"""Each page's figures as plain data (no Streamlit): overview, wards, hotspots, emerging, seasonality,
priorities. Pages call these; they call the store's named queries through a ``run_query`` callable."""
