"""The command line: ``python -m csp_data ingest|status|report|build-embedded|benchmarks``.

Errors are printed as one line (``error: FILE, line N: problem``) with exit status 2; no traceback.
"""

from __future__ import annotations

import argparse
import errno
import functools
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

from csp_data.config import DEFAULT_AREA_FILE, PACKAGE_ROOT, load_area
from csp_data.errors import AreaFileError, CspDataError, InputFileError
from csp_data.store import Store

# pandas, geopandas and the ingest code are imported by the commands that need them, so that
# `status`, `repair` and `remove` start quickly.

RAW_DATA = PACKAGE_ROOT.parent / "shared" / "data" / "raw"


def _area_and_store(args: argparse.Namespace):
    area = load_area(args.area)
    return area, Store(args.store or area.store_dir)


def _print_table(rows: list[list], headers: list[str]) -> None:
    widths = [max(len(str(v)) for v in [h, *(r[i] for r in rows)]) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths))))
    for row in rows:
        print("  ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(row, widths))))


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from csp_data.store.ingest import ingest

    area, store = _area_and_store(args)

    def progress(files):
        return tqdm(files, desc="reading", unit="file", disable=None if not args.quiet else True, file=sys.stderr)

    before = _version_or_none(store)
    try:
        notes: list[str] = []
        reports = ingest(args.paths, area, store, progress=progress, allow_empty=args.allow_empty, notes=notes)
        return _print_load(reports, notes, area, store)  # a Ctrl-C while it prints is after the load too
    except KeyboardInterrupt:
        if _version_or_none(store) != before:
            print("error: interrupted after the load had landed; the new months are in the store", file=sys.stderr)
        else:
            print("error: interrupted; the store is as it was before this load", file=sys.stderr)
        return 130


def _print_load(reports, notes: list[str], area, store) -> int:
    recorded = [r for r in reports if r.recorded]
    headers = ["month", "force", "read", "kept", "no location", "outside area", "malformed", "in no ward"]
    rows = [
        [r.month, r.force, r.rows_read, r.rows_kept, r.no_location, r.outside_area, r.malformed, r.in_no_ward]
        for r in recorded
    ]
    totals = ["total", "", *(sum(r[i] for r in rows) for i in range(2, len(headers)))]
    _print_table(rows + [totals], headers)
    skipped = [r for r in reports if not r.recorded]
    if skipped:
        forces = sorted({r.force for r in skipped})
        print(
            f"Skipped {len(skipped)} file(s) of {len(forces)} other force(s) with no rows in {area.short_name} "
            f"({sum(r.rows_read for r in skipped):,} rows read, none in the area)."
        )
    months = sorted({r.month for r in recorded})
    if not recorded:
        print(f"Nothing was loaded: the store {store.root} is as it was.")
        return 0
    print(f"Loaded {len(months)} month(s) into {store.root}")
    for note in notes:
        print(note)
    return 0


def _version_or_none(store: Store) -> str | None:
    try:
        return store.version()
    except CspDataError:
        return None


def cmd_status(args: argparse.Namespace) -> int:
    from csp_data.area_documents import load_area_documents
    from csp_data.periods import describe_gaps
    from csp_data.store.forces import territorial_force_missing
    from csp_data.store.geography import ward_boundaries, ward_population
    from csp_data.store.health import REBUILT_SOURCE, check_store, health_json
    from csp_data.store.ingest import stored_districts_changed, stored_ward_sets_changed
    from csp_data.store.layout import REPAIR_HINT

    area, store = _area_and_store(args)
    if args.store and not Path(args.store).is_dir():
        why = "it is a file, not a folder" if Path(args.store).exists() else "no such folder"
        print(
            f"error: there is no store at {args.store}: {why}. Check --store; a first load creates the "
            "store in the folder --store names (python -m csp_data ingest --store FOLDER PATH...).",
            file=sys.stderr,
        )
        return 2
    health = check_store(store)
    if ward_sets := stored_ward_sets_changed(store, area):  # months placed in wards the area file no longer names
        health.problems.append(ward_sets)
    if districts := stored_districts_changed(store, area):  # months loaded for another area's districts
        health.problems.append(districts)
    # A boundary, population, plan or survey file the pages cannot read (a wrong code_field, a ward left out, a
    # file that is not there) is a problem now.
    for check in [
        *(functools.partial(ward_boundaries, v) for v in area.wards),
        functools.partial(ward_population, area),
        functools.partial(load_area_documents, area),
    ]:
        try:
            check()
        except (InputFileError, AreaFileError) as error:
            if str(error) not in health.problems:  # the population's wards unreadable: said once
                health.problems.append(str(error))
    if missing := territorial_force_missing(area.territorial_forces, area.territorial_force_keys, health.ledger):
        health.problems.append(missing)
    if args.json:
        print(health_json(store, health))
        return 0 if health.ok else 1
    print(f"{area.name}: store {store.root} (version {health.version})")
    for problem in health.problems:  # this is status: the hint to run it again would send the user round
        problem = problem.replace(REPAIR_HINT, "Run `python -m csp_data repair` to fix it.")
        print(f"problem: {_for_this_store(problem, args)}")
    for item in health.damaged:
        print(f"damaged: the file for {item.month} ({item.force}) cannot be read whole: {item.path}")
    if health.damaged:
        print(
            _for_this_store(
                "Run `python -m csp_data repair` to drop the damaged files, then load those months again.", args
            )
        )
    if health.problems:
        return 1
    if not health.ledger:
        print(_for_this_store("No months loaded. Load police.uk files with: python -m csp_data ingest PATH...", args))
        return 0 if health.ok else 1
    headers = ["month", "force", "read", "kept", "no location", "outside area", "malformed", "in no ward", "loaded at"]
    counted = ("rows_read", "rows_kept", "no_location", "outside_area", "malformed", "in_no_ward")

    def shown(row: dict, column: str):  # a ledger rebuilt by repair knows only the rows kept
        return "?" if row["source"] == REBUILT_SOURCE and column != "rows_kept" else row[column]

    rows = [
        [r["month"].strftime("%Y-%m"), r["force"], *(shown(r, c) for c in counted), f"{r['loaded_at']:%Y-%m-%d %H:%M}"]
        for r in health.ledger
    ]
    _print_table(rows, headers)
    if any(r["source"] == REBUILT_SOURCE for r in health.ledger):
        print(
            "? not known: repair rebuilt the ledger from the data files, which keep only the rows kept. Load "
            "those months again to count the rows read and dropped."
        )
    keys = set(area.territorial_force_keys)
    months = sorted({r["month"] for r in health.ledger if not keys or r["force_slug"] in keys})
    print(describe_gaps(months))
    return 0 if health.ok else 1


def cmd_repair(args: argparse.Namespace) -> int:
    from csp_data.store.health import check_store, repair_store

    _, store = _area_and_store(args)
    actions = repair_store(store)
    for action in actions:
        print(action)
    health = check_store(store)
    if not actions:
        print(f"Nothing to repair: every file of version {health.version} reads whole.")
    return 0 if health.ok else 1


def cmd_remove(args: argparse.Namespace) -> int:
    from csp_data.store.health import remove_months

    _, store = _area_and_store(args)
    for month in args.month:
        if not re.match(r"^[0-9]{4}-(0[1-9]|1[0-2])$", month):
            raise CspDataError(f"--month {month!r} is not a YYYY-MM month")
    removed = remove_months(store, args.month, args.force)
    for row in removed:
        print(f"removed {row['month']:%Y-%m} {row['force']} ({row['rows_kept']:,} rows)")
    return 0


def cmd_build_embedded(args: argparse.Namespace) -> int:
    """Rebuild data/medway from the shared raw files: boundaries, population and every police.uk month held."""
    raw = Path(args.raw)
    target = DEFAULT_AREA_FILE.parent
    copies = {
        raw / "drkane_geo_lookups" / "medway_wards_2023_WD25_BGC.geojson": target / "boundaries" / "wards_2023.geojson",
        raw / "drkane_geo_lookups" / "medway_wards_pre2023_WD22_BGC.geojson": target
        / "boundaries"
        / "wards_pre2023.geojson",
        raw / "ons_ward_population" / "medway_ward2023_population_mid2022_totals.csv": target
        / "population"
        / "ward2023_population_mid2022.csv",
    }
    for source, destination in copies.items():
        if not source.is_file():
            raise CspDataError(f"{source}: not found; give the shared raw data folder with --raw")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    # Built beside the old store and swapped in only when the whole load has worked: a failed or
    # interrupted rebuild leaves the embedded store as it was.
    store_dir, building, old = target / "store", target / ".store-build", target / ".store-old"
    shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    # All the real history there is: Jan–Nov 2022 (2011 LSOA codes, CRLF), Jan–Apr 2024 and 2025. The
    # months between are real gaps: the store shows them as missing, never as zeros.
    folders = ["police_uk_kent_2022", "police_uk_kent_2024_jan_apr", "police_uk_kent_2025"]
    args.area, args.store, args.paths = str(DEFAULT_AREA_FILE), str(building), [str(raw / f) for f in folders]
    args.allow_empty = False
    try:
        status = cmd_ingest(args)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if store_dir.exists():
        store_dir.rename(old)
    building.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)
    return status


def _benchmark_paths(paths: list[str]) -> list[Path]:
    from csp_data.errors import InputFileError

    found = []
    for given in paths:
        path = Path(given)
        if path.is_dir():  # a folder: the ONS workbooks and C2 exports in it
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".csv"))
            if not inside:
                raise InputFileError(path, "folder holds no .xlsx or .csv file")
            found += inside
        elif path.is_file():
            found.append(path)
        else:
            raise InputFileError(path, "no such file or folder")
    return found


def cmd_benchmarks_load(args: argparse.Namespace) -> int:
    """Read ONS CSP tables into the store (or, with --embedded, the area folder)."""
    import zipfile

    import pandas as pd

    from csp_data import benchmarks as bm

    area, store = _area_and_store(args)
    paths = _benchmark_paths(args.paths)
    try:
        frame = bm.load_benchmarks(paths)
    except (KeyError, TypeError, IndexError, zipfile.BadZipFile) as exc:
        # openpyxl's own failures on a damaged workbook: one line, never a traceback.
        raise bm.BenchmarkFileError(
            ", ".join(map(str, paths)), f"cannot be read ({type(exc).__name__}: {exc})"
        ) from None
    target_dir = area.area_file.parent if args.embedded else store.root
    written = bm.write_benchmarks(frame, target_dir)

    headers = ["period", "CSPs", "rows", "with rate", "source"]
    rows = []
    for period, rows_of_period in frame.groupby("period_end", sort=True):
        sources = ", ".join(
            sorted({f"{f} ({t})" for f, t in zip(rows_of_period["source_file"], rows_of_period["source_table"])})
        )
        rows.append(
            [
                bm.period_label(period),
                rows_of_period["csp_code"].nunique(),
                len(rows_of_period),
                int(rows_of_period["rate_per_1000"].notna().sum()),
                sources,
            ]
        )
    _print_table(rows, headers)
    for source, skipped in frame.attrs.get("skipped_rows", {}).items():
        print(
            f"left out of {source}: {skipped['force_total']} force totals, "
            f"{skipped['unassigned_or_airport']} unassigned or airport rows"
        )
    try:  # the area's own figures, when its code is the table's CSP of its councils
        area_code = bm.area_csp_code(frame, area.csp_code, [], area.local_authority_codes) if area.csp_code else None
    except bm.BenchmarkError as error:
        area_code = None
        print(f"Note: {error}.")
    if area_code:
        totals = frame[(frame["csp_code"] == area.csp_code) & (frame["offence_group"] == "total_excl_fraud")]
        for row in totals.itertuples():
            rate = "no rate" if pd.isna(row.rate_per_1000) else f"{row.rate_per_1000:.2f} per 1,000"
            population = "" if pd.isna(row.population) else f" on {row.population:,} people"
            print(
                f"{area.short_name} ({area.csp_code}), {bm.year_ending(row.period_end)}: "
                f"{row.count:,} offences excluding fraud, {rate}{population}"
            )
    print(f"Wrote {len(frame):,} rows to {written} ({written.stat().st_size:,} bytes)")
    return 0


def cmd_benchmarks_boundaries(args: argparse.Namespace) -> int:
    """Write the benchmarking map's local authority boundaries into the area folder."""
    from csp_data import benchmarks as bm

    area = load_area(args.area)
    table = bm.read_benchmark_table(args.table or bm.find_benchmark_table(area.store_dir, area.area_file.parent))
    try:
        code = bm.area_csp_code(table, area.csp_code, [area.short_name, area.name], area.local_authority_codes)
        peers = bm.resolve_peers(table, area.peers)
    except bm.BenchmarkError as exc:
        raise CspDataError(f"{area.area_file}: {exc}") from None
    lads = bm.group_lad_codes(table, [code, *peers])
    written = bm.build_boundary_files(args.source, area.area_file.parent / "benchmarks", lads)
    for path, features, size in written.values():
        print(f"{path}: {features} feature(s), {size:,} bytes")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the scrutiny pack for a period as PDF or DOCX: whole, or not at all."""
    from csp_data.report import pictures

    pictures.warm_up()  # the chart engine starts in the background while the figures are gathered

    from csp_data.periods import PeriodError, parse_period
    from csp_data.report import build_pack, choose_format, open_output, pack_file_name, render_pack
    from csp_data.report.output import check_output_path
    from csp_data.store.geography import ward_population
    from csp_data.store.queries import Database

    if args.out:
        check_output_path(args.out)
    format_name = choose_format(args.format, args.out)
    area, store = _area_and_store(args)
    try:
        database = Database(area, store)
        try:
            loaded = database.loaded_months()
            if not loaded:  # months of other forces only (a load with --allow-empty, say): say so, not "none loaded"
                from csp_data.store.forces import territorial_force_missing

                if missing := territorial_force_missing(
                    area.territorial_forces, area.territorial_force_keys, store.read_ledger().to_pylist()
                ):
                    raise CspDataError(f"there is nothing to report: {missing}")
            period = parse_period(args.period, loaded)
            try:
                since = parse_period(args.since, loaded) if args.since else None
            except PeriodError as error:
                raise PeriodError(f"--since: {error}") from None
            out = Path(args.out or pack_file_name(area.short_name, period.first, period.last, format_name))
            with open_output(out) as target:  # a path that cannot be written fails here, before the work
                wards = ward_population(area)
                population = int(wards["population"].sum()) if len(wards) else None
                pack = build_pack(database.query, area, period, loaded, population, store_dir=store.root, since=since)
                target.write(render_pack(pack, format_name))
                target.commit()
        finally:
            database.close()
    except KeyboardInterrupt:
        print("error: interrupted; no file was written", file=sys.stderr)
        return 130
    print(f"Wrote {out} ({out.stat().st_size:,} bytes): {pack.document_title}, {pack.coverage}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csp_data", description="Community safety data for a partnership.")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_area(p):
        p.add_argument("--area", help="area file (TOML); default: Medway's, or $CSP_AREA_FILE")
        p.add_argument("--store", help="store folder; default: the area file's store.path")
        return p

    p = with_area(sub.add_parser("ingest", help="load police.uk street-level CSV files, folders or zips"))
    p.add_argument("paths", nargs="+", metavar="PATH", help="a CSV file, a monthly folder, or the archive zip")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="record months whose files keep no rows in the area as loaded with no rows (refused otherwise)",
    )
    p.set_defaults(func=cmd_ingest, writes_store=True)

    p = with_area(sub.add_parser("status", help="show which months are loaded, and check every file of the store"))
    p.add_argument(
        "--json", action="store_true", help="months, forces and row counts read from the data files, as JSON"
    )
    p.set_defaults(func=cmd_status)

    p = with_area(sub.add_parser("repair", help="fix a damaged store (after a crash, a full disk or a damaged file)"))
    p.set_defaults(func=cmd_repair, writes_store=True)

    p = with_area(sub.add_parser("remove", help="remove the months a mistaken load added"))
    p.add_argument("--month", action="append", required=True, metavar="YYYY-MM", help="a month to remove (repeatable)")
    p.add_argument("--force", help="only this force's rows of those months (default: every force)")
    p.set_defaults(func=cmd_remove, writes_store=True)

    benchmarks = sub.add_parser("benchmarks", help="ONS recorded crime by CSP, for Most Similar Group benchmarking")
    actions = benchmarks.add_subparsers(dest="action", required=True)
    p = with_area(
        actions.add_parser("load", help="read ONS police force area data tables (.xlsx) and Table C2 CSV exports")
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="an ONS workbook, a C2 .csv export, or a folder of them")
    p.add_argument(
        "--embedded",
        action="store_true",
        help="write into the area folder's benchmarks/ (the copy shipped with the dashboard) instead of the store",
    )
    p.set_defaults(func=cmd_benchmarks_load)
    p = actions.add_parser("boundaries", help="write the benchmarking map's local authority boundaries (GeoJSON)")
    p.add_argument(
        "source", metavar="LAD_FILE", help="ONS Local Authority Districts (May 2023) boundaries, e.g. the BGC TopoJSON"
    )
    p.add_argument("--area", help="area file (TOML); default: Medway's, or $CSP_AREA_FILE")
    p.add_argument(
        "--table",
        help="benchmark parquet to find the peers' local authorities in (default: the one the dashboard reads)",
    )
    p.set_defaults(func=cmd_benchmarks_boundaries)

    p = with_area(sub.add_parser("report", help="write the scrutiny pack (PDF or DOCX) for a period"))
    p.add_argument(
        "--period",
        default="latest",
        help="latest (the default: the latest 12 months), 2025 (a calendar year), 2025/26 (a financial year) "
        "or 2025-01..2025-06 (months)",
    )
    p.add_argument("--format", help="pdf or docx (default: from the --out file name, else pdf)")
    p.add_argument("--out", help="the file to write (default: e.g. medway-scrutiny-pack-2025-01-to-2025-12.pdf here)")
    p.add_argument(
        "--since", metavar="PERIOD", help="the previous pack's period: adds 'What changed since the last pack'"
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("build-embedded", help="rebuild data/medway from ../shared/data/raw")
    p.add_argument("--raw", default=str(RAW_DATA), help=f"shared raw data folder (default {RAW_DATA})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build_embedded, writes_store=True)
    return parser


def os_error_words(exc: OSError, writes_store: bool) -> str:
    """An operating-system error as one line for a user: the file, what went wrong and what to do."""
    where = f"{exc.filename}: " if exc.filename else ""
    kept = " The store is as it was." if writes_store else ""
    if exc.errno == errno.ENOSPC:
        return f"{where}the disk is full. Free some space and run the command again.{kept}"
    if exc.errno == errno.EFBIG:
        return (
            f"{where}a file being written grew past the largest this user may write (`ulimit -f`) or the file system holds. "
            f"Raise the limit, or write elsewhere, and run the command again.{kept}"
        )
    if exc.errno == errno.EROFS:
        return f"{where}is on a read-only file system. Give a folder that can be written.{kept}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{where}this user has no permission there. Run the command as a user who has, or give another "
            f"folder.{kept}"
        )
    return f"{where}{exc.strerror or exc}"


_COMMAND = re.compile(r"python -m csp_data (ingest|status|repair|remove|report)\b")


def _for_this_store(text: str, args: argparse.Namespace) -> str:
    """A hint naming another command (`python -m csp_data repair`) with the --area and --store this one was
    given, so that running it as written acts on the same partnership's store, not Medway's."""
    chosen = [
        f"--{name} {shlex.quote(str(value))}" for name in ("area", "store") if (value := getattr(args, name, None))
    ]
    return _COMMAND.sub(lambda found: " ".join([found.group(0), *chosen]), text) if chosen else text


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CspDataError as exc:
        print(f"error: {_for_this_store(str(exc), args)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; the store is as it was", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`status | head`): what it read was enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits
        return 0
    except OSError as exc:
        print(f"error: {os_error_words(exc, getattr(args, 'writes_store', False))}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - never a traceback; set CSP_DEBUG=1 to see one
        if os.environ.get("CSP_DEBUG"):
            raise
        state = (
            "The store holds either what it held before or the whole of this load; `python -m csp_data status` "
            "says which. "
            if getattr(args, "writes_store", False)  # load, remove, repair: set on their parsers
            else ""
        )
        print(
            f"error: an unexpected problem ({type(exc).__name__}). {_for_this_store(state, args)}"
            "Set CSP_DEBUG=1 to see the details, and please report them.",
            file=sys.stderr,
        )
        return 1
