"""The district names police.uk's LSOA names are written with, by the district a partnership lists.

Rows are matched to the area by the district at the start of their LSOA name ("Medway 001A"). LSOAs are
named for the districts of the year they were drawn: the 2011 LSOAs (police.uk files before 2023) carry
the names of districts since merged or renamed ("Shepway 001A" in Kent's 2022 files for what is now
Folkestone and Hythe; "Forest Heath 001A" and "St Edmundsbury 001A" for West Suffolk), and the 2021
LSOAs those of April 2021 (before the 2023 mergers: "Harrogate 001A" for North Yorkshire). A district
listed in the area file also matches every name it was formed from, so a partnership lists its districts
as they are today and every month's rows are found.

Facts from ONS's register of local authority district changes in England since 2011 (Open Government
Licence v3.0); no Welsh district has changed since.
"""

from __future__ import annotations

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


def lsoa_district_names(listed: tuple[str, ...]) -> dict[str, str]:
    """Every district name an LSOA name of the area may start with, lower-cased (matching ignores case),
    mapped to the district of ``listed`` it counts for: each listed district and the districts it was
    formed from. A district listed with a former one of its own (``["West Suffolk", "Forest Heath"]``)
    keeps that name for itself."""
    former = {current.lower(): names for current, names in FORMER_NAMES.items()}
    names: dict[str, str] = {}
    for district in listed:
        for name in former.get(district.lower(), ()):
            names.setdefault(name.lower(), district)
    for district in listed:
        names[district.lower()] = district
    return names
