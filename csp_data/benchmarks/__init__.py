"""Most Similar Group benchmarking from the ONS police recorded crime tables.

The ONS publishes, with each quarterly "Crime in England and Wales" release, the "Police force
area data tables", whose ``Table C*`` sheets give police recorded crime for every Community Safety
Partnership (CSP) in England and Wales. This package reads those tables into one tidy frame,
stores it as parquet, and compares an area with its peers: each CSP's rate per 1,000 residents,
its change on the year before, its rank, the group average and whether a CSP is above or below
that average by more than chance.

Modules
-------
``groups``      the offence groups, the tidy table's columns and where a rate comes from
``tables``      parsing one ONS C-table from rows of cells (worksheet or CSV)
``reader``      reading the ONS workbook and Table C2 CSV exports, validated, into the tidy frame
``rates``       ONS's own rate where it publishes one, else a computed one, and which is which
``store``       where the table lives (:func:`find_benchmark_table`), writing and reading it
``statistics``  exact Poisson intervals, the group summary, ranks and the national table
``peers``       the area's CSP code and its peers, found by name
``published``   a partnership's own published benchmarking tables
``wording``     the sentences and headline figures that say what a comparison found
``notes``       the captions, caveats, text alternatives and number formats around the figures
``boundaries``  the local authority boundary files of the group map
``errors``      the errors, each a :class:`csp_data.errors.CspDataError` with a message for users

Everything a caller needs is importable from here (``from csp_data import benchmarks as bm``).
Nothing here imports streamlit: pages call these functions.
"""

from csp_data.benchmarks.boundaries import (
    GROUP_BOUNDARIES_FILE,
    NATIONAL_BOUNDARIES_FILE,
    OUTLINE_FILE,
    GroupBoundaries,
    LadShapes,
    build_boundary_files,
    group_boundaries,
    group_lad_codes,
    group_map_table,
    la_codes_by_csp,
    read_lad_shapes,
    read_outline,
)
from csp_data.benchmarks.errors import (
    BenchmarkError,
    BenchmarkFileError,
    BenchmarkFileNotFoundError,
    BoundaryFileError,
)
from csp_data.benchmarks.groups import (
    OFFENCE_GROUPS,
    OFFENCE_KEYS,
    RATE_COMPUTED,
    RATE_PUBLISHED,
    TIDY_COLUMNS,
    OffenceGroup,
    chosen_offence_group,
    offence_group_label,
)
from csp_data.benchmarks.notes import (
    ASSESSMENT_FORMATS,
    ASSESSMENT_HELP,
    PUBLISHED_FORMATS,
    PUBLISHED_NOTE,
    describe_data,
    describe_dot_plot,
    describe_dot_plot_alt,
    describe_group_table,
    describe_map,
    describe_map_alt,
    describe_published_source,
    describe_rank_table,
    describe_sources,
    describe_strip_chart_alt,
    rank_history_table,
)
from csp_data.benchmarks.peers import (
    PeerChoices,
    area_csp_code,
    csp_names,
    peer_choices,
    peer_presets,
    resolve_peers,
    usable_peer_names,
)
from csp_data.benchmarks.published import (
    PublishedSummary,
    published_rows_table,
    read_published_table,
    summarise_published_file,
    summarise_published_table,
)
from csp_data.benchmarks.reader import (
    load_benchmarks,
    population_reference,
    read_ons_csp_c2_csv,
    read_ons_csp_workbook,
)
from csp_data.benchmarks.statistics import (
    Comparison,
    GroupSummary,
    assessment_headings,
    assessment_table,
    available_periods,
    chosen_period_key,
    compare,
    default_period,
    group_summary,
    has_previous_year,
    national_table,
    period_keys,
    rank_history,
    rate_confidence_interval,
    unitary_authority_codes,
)
from csp_data.benchmarks.store import (
    EMBEDDED_AREA_DIR,
    PUBLISHED_TABLE_PATTERN,
    benchmark_file,
    benchmark_table_path,
    benchmarks_path,
    find_benchmark_table,
    published_table_paths,
    read_benchmark_table,
    read_benchmarks,
    write_benchmarks,
)
from csp_data.benchmarks.wording import (
    Metric,
    describe_change_missing,
    describe_default_peers,
    describe_national,
    describe_ons_rates,
    describe_peer_choice,
    describe_position,
    describe_published,
    describe_rank_history,
    describe_rate_source,
    describe_unknown_peers,
    headline_metrics,
    national_metrics,
    period_label,
    rate_text,
    year_ending,
)

__all__ = [
    "ASSESSMENT_FORMATS",
    "ASSESSMENT_HELP",
    "EMBEDDED_AREA_DIR",
    "GROUP_BOUNDARIES_FILE",
    "NATIONAL_BOUNDARIES_FILE",
    "OFFENCE_GROUPS",
    "OFFENCE_KEYS",
    "OUTLINE_FILE",
    "PUBLISHED_FORMATS",
    "PUBLISHED_NOTE",
    "PUBLISHED_TABLE_PATTERN",
    "RATE_COMPUTED",
    "RATE_PUBLISHED",
    "TIDY_COLUMNS",
    "BenchmarkError",
    "BenchmarkFileError",
    "BenchmarkFileNotFoundError",
    "BoundaryFileError",
    "Comparison",
    "GroupBoundaries",
    "GroupSummary",
    "LadShapes",
    "Metric",
    "OffenceGroup",
    "PeerChoices",
    "PublishedSummary",
    "area_csp_code",
    "assessment_headings",
    "assessment_table",
    "available_periods",
    "benchmark_file",
    "benchmark_table_path",
    "benchmarks_path",
    "build_boundary_files",
    "chosen_offence_group",
    "chosen_period_key",
    "compare",
    "csp_names",
    "default_period",
    "describe_change_missing",
    "describe_data",
    "describe_default_peers",
    "describe_dot_plot",
    "describe_dot_plot_alt",
    "describe_group_table",
    "describe_map",
    "describe_map_alt",
    "describe_national",
    "describe_ons_rates",
    "describe_peer_choice",
    "describe_position",
    "describe_published",
    "describe_published_source",
    "describe_rank_history",
    "describe_rank_table",
    "describe_rate_source",
    "describe_sources",
    "describe_strip_chart_alt",
    "describe_unknown_peers",
    "find_benchmark_table",
    "group_boundaries",
    "group_lad_codes",
    "group_map_table",
    "group_summary",
    "has_previous_year",
    "headline_metrics",
    "la_codes_by_csp",
    "load_benchmarks",
    "national_metrics",
    "national_table",
    "offence_group_label",
    "peer_choices",
    "peer_presets",
    "period_keys",
    "period_label",
    "population_reference",
    "published_rows_table",
    "published_table_paths",
    "rank_history",
    "rank_history_table",
    "rate_confidence_interval",
    "rate_text",
    "read_benchmark_table",
    "read_benchmarks",
    "read_lad_shapes",
    "read_ons_csp_c2_csv",
    "read_ons_csp_workbook",
    "read_outline",
    "read_published_table",
    "resolve_peers",
    "summarise_published_file",
    "summarise_published_table",
    "unitary_authority_codes",
    "usable_peer_names",
    "write_benchmarks",
    "year_ending",
]
