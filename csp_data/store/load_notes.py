"""The notes a load prints beside its table: what the user should check although the load went ahead (a district
of the area with no row, a file much shorter than the last one of its month, a territorial force with no file,
rows in no ward, repeated Crime IDs). Each takes the load's :class:`~csp_data.store.ingest.MonthReport` rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csp_data.config import Area

if TYPE_CHECKING:
    from csp_data.store.ingest import MonthReport


def district_notes(area: Area, found: set[str], reports: list[MonthReport]) -> list[str]:
    """A note naming each of the area's districts that no row of the load lies in, while others hold rows: most
    likely misspelt in the area file (a month of a territorial force's data has incidents in every district of a
    partnership), though a district listed for older months' LSOA names (before a rename) is missing by right.
    Nothing when the load has none of the territorial forces' files (British Transport Police's stations need
    not be in every district), or when the area file names no territorial force."""
    territorial = area.territorial_force_keys
    if not found or not territorial or not any(r.force_slug in territorial and r.rows_kept for r in reports):
        return []
    missing = [d for d in area.lsoa_districts if d not in found]
    if not missing:
        return []
    return [
        f"Note: no row of this load lies in {', '.join(repr(d) for d in missing)} of the area file's [match] "
        f"lsoa_districts, while {_listed([d for d in area.lsoa_districts if d in found])} rows. Check its spelling "
        'against the files\' LSOA names ("<district> 001A", as the police.uk files spell it: "The Vale of '
        'Glamorgan 001A", say), unless it is listed for '
        "older months' names."
    ]


#: A month loaded again from a file with fewer than this share of the rows read the time before gets a note:
#: police.uk's republished months differ by a few rows, a file cut short at a line break by thousands.
SHRUNK_SHARE = 0.9


def shrunk_notes(reports: list[MonthReport], read_before: dict[tuple[str, str], int]) -> list[str]:
    """A note for each recorded month whose file has under :data:`SHRUNK_SHARE` of the rows read last time."""
    notes = []
    for r in reports:
        earlier = read_before.get((r.month, r.force_slug))
        if r.recorded and earlier and r.rows_read < SHRUNK_SHARE * earlier:
            notes.append(
                f"Note: {r.month} ({r.force}): {r.rows_read:,} rows read, against {earlier:,} when it was last "
                "loaded. Check that the file is whole (a download cut short loads without an error)."
            )
    return notes


def territorial_notes(area: Area, reports: list[MonthReport], read_before: dict[tuple[str, str], int]) -> list[str]:
    """A note for each of the area file's territorial forces with no file in a month of this load that holds
    another territorial force's file, and none loaded for it before: the month's totals then leave that force
    out without a word (a force misspelt in the area file, say "Gwent Constabulary" for "Gwent Police", or its
    file not given)."""
    territorial = dict(zip(area.territorial_force_keys, area.territorial_forces))
    held: dict[str, set[str]] = {}
    for r in reports:
        held.setdefault(r.month, set()).add(r.force_slug)
    notes = []
    for key, name in territorial.items():
        months = sorted(
            month
            for month, slugs in held.items()
            if slugs & territorial.keys() and key not in slugs and (month, key) not in read_before
        )
        if not months:
            continue
        shown = ", ".join(months[:6]) + (f" and {len(months) - 6} more" if len(months) > 6 else "")
        others = sorted({r.force for r in reports if r.force_slug not in territorial and r.rows_kept})
        also = f" (this load's other forces with rows in the area: {', '.join(others)})" if others else ""
        notes.append(
            f"Note: no file of {name}, one of the area file's [match] territorial_forces, is in this load for "
            f"{shown}, so those months' totals leave it out. Check its name as police.uk spells it in the files' "
            f'"Reported by" column{also}, and give its file for each month.'
        )
    return notes


#: A load whose kept rows fall in no current ward more often than this gets a note: Medway's months have at
#: most 0.1% (points just off a generalised coastline); another area's ward file, or one in metres with no
#: CRS, leaves every row in no ward.
NO_WARD_SHARE = 0.1


def no_ward_notes(reports: list[MonthReport], area: Area) -> list[str]:
    """One note when more than :data:`NO_WARD_SHARE` of the rows kept (of every recorded month) lie in no ward
    of the current ward set: the ward figures would be wrong, and the wards are stored with each row."""
    kept = sum(r.rows_kept for r in reports if r.recorded)
    outside = sum(r.in_no_ward for r in reports if r.recorded)
    if not kept or outside <= NO_WARD_SHARE * kept:
        return []
    wards = area.current_wards
    return [
        f"Note: {outside:,} of the {kept:,} rows kept lie in no ward of {wards.boundary_file.name} (the area file's "
        "current [[wards]]), so the ward figures will not add up to the area's. Check that the file holds this "
        "area's wards, in longitude and latitude or with its coordinate system set; each row's ward is kept with "
        "it, so load these months again after correcting it."
    ]


#: A month whose kept crimes repeat more than this share of their Crime IDs gets a note. police.uk repeats a few
#: (in January 2022's files, up to 3.3% of a district's crimes in Derbyshire; 5 in Kent's 15,000 a month in
#: 2024-25); a file holding its rows twice repeats half of them.
REPEATED_ID_SHARE = 0.2


def repeated_id_notes(reports: list[MonthReport]) -> list[str]:
    """A note for each recorded month whose crimes repeat their Crime IDs far more than police.uk's do: most
    likely a file holding its rows twice (two downloads joined), which would count each crime twice."""
    return [
        f"Note: {r.repeated_ids:,} of the crimes kept for {r.month} ({r.force}) repeat another row's Crime ID, "
        f"in {r.source}. police.uk repeats only a few, so the file may hold rows twice (two downloads joined, "
        "say): check it, and load the month again from the file as downloaded if so."
        for r in reports
        if r.recorded and r.repeated_ids > max(10, REPEATED_ID_SHARE * r.rows_kept)
    ]


def _listed(districts: list[str]) -> str:
    return ", ".join(repr(d) for d in districts) + (" has" if len(districts) == 1 else " have")
