"""The district names police.uk's LSOA names are written with, by the district a partnership lists.

Rows are matched to the area by the district at the start of their LSOA name ("Medway 001A"). LSOAs are
named for the districts of the year they were drawn: the 2011 LSOAs (police.uk files before 2023) carry
the names of districts since merged or renamed ("Shepway 001A" in Kent's 2022 files for what is now
Folkestone and Hythe; "Forest Heath 001A" and "St Edmundsbury 001A" for West Suffolk), and the 2021
LSOAs those of April 2021 (before the 2023 mergers: "Harrogate 001A" for North Yorkshire). A district
listed in the area file also matches every name it was formed from, so a partnership lists its districts
as they are today and every month's rows are found. A district listed by its ONS name where police.uk
writes it otherwise ("Vale of Glamorgan", "Bristol, City of") matches police.uk's spelling too.

Facts from ONS's register of local authority district changes in England since 2011 (Open Government
Licence v3.0); no Welsh district has changed since.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

#: Each current district formed since 2011, with the districts whose LSOA names it took over (whole districts).
FORMER_NAMES: dict[str, tuple[str, ...]] = {
    "Folkestone and Hythe": ("Shepway",),  # renamed April 2018
    "Bournemouth, Christchurch and Poole": ("Bournemouth", "Christchurch", "Poole"),  # April 2019
    "Dorset": ("East Dorset", "North Dorset", "Purbeck", "West Dorset", "Weymouth and Portland"),
    "East Suffolk": ("Suffolk Coastal", "Waveney"),
    "West Suffolk": ("Forest Heath", "St Edmundsbury"),
    "Somerset West and Taunton": ("Taunton Deane", "West Somerset"),
    "Buckinghamshire": ("Aylesbury Vale", "Chiltern", "South Bucks", "Wycombe"),  # April 2020
    "North Northamptonshire": ("Corby", "East Northamptonshire", "Kettering", "Wellingborough"),  # April 2021
    "West Northamptonshire": ("Daventry", "Northampton", "South Northamptonshire"),
    "Cumberland": ("Allerdale", "Carlisle", "Copeland"),  # April 2023
    "Westmorland and Furness": ("Barrow-in-Furness", "Eden", "South Lakeland"),
    "North Yorkshire": ("Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"),
    "Somerset": (
        "Mendip",
        "Sedgemoor",
        "South Somerset",
        "Somerset West and Taunton",
        "Taunton Deane",
        "West Somerset",
    ),
}


#: Districts whose ONS name (LAD23NM, as a partnership may copy it) is not how police.uk's LSOA names begin.
OTHER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Vale of Glamorgan": ("The Vale of Glamorgan",),
    "Bristol, City of": ("Bristol",),
    "Kingston upon Hull, City of": ("Kingston upon Hull",),
    "Herefordshire, County of": ("Herefordshire",),
}


def lsoa_district_names(listed: tuple[str, ...]) -> dict[str, str]:
    """Every district name an LSOA name of the area may start with, lower-cased (matching ignores case),
    mapped to the district of ``listed`` it counts for: each listed district and the districts it was
    formed from. A district listed with a former one of its own (``["West Suffolk", "Forest Heath"]``)
    keeps that name for itself."""
    former = {current.lower(): names for current, names in (FORMER_NAMES | OTHER_SPELLINGS).items()}
    names: dict[str, str] = {}
    for district in listed:
        for name in former.get(district.lower(), ()):
            names.setdefault(name.lower(), district)
    for district in listed:
        names[district.lower()] = district
    return names


# ---- which districts a store's months were loaded for ----

#: Beside the store's versions: the districts of the area file its last load used.
STORE_RECORD = "districts.json"


#: Each spelling of a district in :data:`OTHER_SPELLINGS` (lower-cased), by its ONS name's.
_SPELT = {name.lower(): ons.lower() for ons, names in OTHER_SPELLINGS.items() for name in (ons, *names)}


def _same(first: Sequence[str], second: Sequence[str]) -> bool:
    """Whether two lists of districts match the same LSOA names, however each is spelt ("Vale of Glamorgan" and
    "The Vale of Glamorgan"; "Folkestone and Hythe" with or without its former "Shepway")."""

    def matched(listed: Sequence[str]) -> set[str]:
        return {_SPELT.get(name, name) for name in lsoa_district_names(tuple(d.strip() for d in listed))}

    return matched(first) == matched(second)


def _held(store_root: Path) -> list[str] | None:
    """The districts recorded for the store's months; None when none are recorded (or the record is unreadable:
    a store loaded before districts were recorded)."""
    try:
        held = json.loads((Path(store_root) / STORE_RECORD).read_text(encoding="utf-8"))["lsoa_districts"]
        return [str(d) for d in held]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def districts_changed(store_root: Path, listed: Sequence[str], has_months: bool) -> str | None:
    """Why a load with ``listed`` districts must not go into the store at ``store_root`` (None when it may):
    its months were loaded for other districts (another area file pointed at the same store), and a load
    would mix two areas' rows in one store. A store with no months, or none recorded, takes any."""
    held = _held(store_root)
    if held is None or not has_months or _same(held, listed):
        return None
    return (
        f"the store's months were loaded for the districts {', '.join(held)}, and the area file lists "
        f"{', '.join(listed)}: loading into it would mix two areas' rows. Give this area its own store ([store] "
        "path in the area file), or load every month again into a new one"
    )


def read_for_other_districts(store_root: Path, listed: Sequence[str]) -> str | None:
    """Why the months of the store at ``store_root`` must not be read as the area's with ``listed`` districts
    (None when they may): they were loaded for other districts, so every figure would be another area's
    under this area's name. A store with none recorded is read."""
    held = _held(store_root)
    if held is None or _same(held, listed):
        return None
    return (
        f"The store's months were loaded for the districts {', '.join(held)}, not for this area file's "
        f"{', '.join(listed)}: its figures are another area's. Point the area file's [store] path at this area's "
        "own store, or load this area's months into a new one"
    )


def remember_districts(store_root: Path, listed: Sequence[str]) -> None:
    """Record ``listed`` as the districts of the store's months (after a load); a store that cannot be written
    keeps its record (the load itself has been written)."""
    path = Path(store_root) / STORE_RECORD
    partial = path.with_name(f".{STORE_RECORD}.{os.getpid()}")
    try:
        partial.write_text(json.dumps({"lsoa_districts": list(listed)}), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
