"""Medway Community Safety Dashboard: data, statistics and charts for a Community Safety Partnership.

The package imports no Streamlit outside :mod:`csp_data.ui`, so everything here can be used from
the command line (``python -m csp_data``) and tested without a browser.
"""

__version__ = "0.1.0"
