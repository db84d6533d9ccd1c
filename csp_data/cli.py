"""The command line: ``python -m csp_data ingest|status|build-embedded``.

Errors are printed as one line (``error: FILE, line N: problem``) with exit status 2; no traceback.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from tqdm import tqdm

from csp_data.config import DEFAULT_AREA_FILE, PACKAGE_ROOT, load_area
from csp_data.errors import CspDataError
from csp_data.ingest import ingest
from csp_data.store import Store

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
    area, store = _area_and_store(args)

    def progress(files):
        return tqdm(files, desc="reading", unit="file", disable=None if not args.quiet else True, file=sys.stderr)

    reports = ingest(args.paths, area, store, progress=progress)
    headers = ["month", "force", "read", "kept", "no location", "outside area", "malformed", "in no ward"]
    rows = [
        [r.month, r.force, r.rows_read, r.rows_kept, r.no_location, r.outside_area, r.malformed, r.in_no_ward]
        for r in reports
    ]
    totals = ["total", "", *(sum(r[i] for r in rows) for i in range(2, len(headers)))]
    _print_table(rows + [totals], headers)
    print(f"Loaded {len(reports)} month(s) into {store.root}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    area, store = _area_and_store(args)
    ledger = store.read_ledger().to_pylist()
    print(f"{area.name}: store {store.root}")
    if not ledger:
        print("No months loaded. Load police.uk files with: python -m csp_data ingest PATH...")
        return 0
    headers = ["month", "force", "read", "kept", "no location", "outside area", "malformed", "in no ward", "loaded at"]
    rows = [
        [r["month"].strftime("%Y-%m"), r["force"], r["rows_read"], r["rows_kept"], r["no_location"],
         r["outside_area"], r["malformed"], r["in_no_ward"], r["loaded_at"].strftime("%Y-%m-%d %H:%M")]
        for r in ledger
    ]
    _print_table(rows, headers)
    from csp_data.periods import describe_gaps

    print(describe_gaps([r["month"] for r in ledger]))
    return 0


def cmd_build_embedded(args: argparse.Namespace) -> int:
    """Rebuild data/medway from the shared raw files: boundaries, population and 2025 incidents."""
    raw = Path(args.raw)
    target = DEFAULT_AREA_FILE.parent
    copies = {
        raw / "drkane_geo_lookups" / "medway_wards_2023_WD25_BGC.geojson": target / "boundaries" / "wards_2023.geojson",
        raw / "drkane_geo_lookups" / "medway_wards_pre2023_WD22_BGC.geojson": target / "boundaries" / "wards_pre2023.geojson",
        raw / "ons_ward_population" / "medway_ward2023_population_mid2022_totals.csv": target / "population" / "ward2023_population_mid2022.csv",
    }
    for source, destination in copies.items():
        if not source.is_file():
            raise CspDataError(f"{source}: not found; give the shared raw data folder with --raw")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    store_dir = target / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    args.area, args.store, args.paths = str(DEFAULT_AREA_FILE), str(store_dir), [str(raw / "police_uk_kent_2025")]
    return cmd_ingest(args)


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
    p.set_defaults(func=cmd_ingest)

    p = with_area(sub.add_parser("status", help="show which months are loaded (the coverage ledger)"))
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("build-embedded", help="rebuild data/medway from ../shared/data/raw")
    p.add_argument("--raw", default=str(RAW_DATA), help=f"shared raw data folder (default {RAW_DATA})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build_embedded)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CspDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; the store is as it was before this load", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
