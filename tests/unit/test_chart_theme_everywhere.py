"""One Altair theme for every chart, however the chart is made."""


def test_the_accessible_chart_theme_is_on_wherever_charts_are_made():
    """The pack made from the command line draws with the same theme as the pages (a fresh process)."""
    import subprocess
    import sys

    for module in ("csp_data.report.pictures", "csp_data.ui.charts", "csp_data.charts.seasonality"):
        code = f"import {module}, altair; print(altair.theme.active)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "csp_accessible", module
