"""Who is compared: the area's CSP code and its peers, found by name as a partnership's documents write them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from csp_data.benchmarks.errors import BenchmarkError
from csp_data.benchmarks.statistics import unitary_authority_codes
from csp_data.benchmarks.tables import name_key

__all__ = [
    "DEFAULT_PRESET",
    "PeerChoices",
    "area_csp_code",
    "csp_names",
    "peer_choices",
    "peer_presets",
    "resolve_peers",
    "usable_peer_names",
]


#: The name of the preset holding the area file's own peer list.
DEFAULT_PRESET = "Default peers"


def resolve_peers(df: pd.DataFrame, names: Iterable[str]) -> list[str]:
    """CSP codes for CSP names, as a partnership's documents write them.

    Matching ignores case, spacing and ``&`` versus ``and``.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy benchmark frame (``csp_code``, ``csp_name``).
    names : iterable of str
        CSP names, e.g. ``["Basildon", "Dartford and Gravesham"]``.

    Returns
    -------
    list of str
        Codes in the order of ``names``.

    Raises
    ------
    BenchmarkError
        Naming every name that matches no CSP (or more than one); a ``ValueError``.
    """
    names = list(names)
    codes_by_name: dict[str, set[str]] = {}
    for code, name in df[["csp_code", "csp_name"]].drop_duplicates().itertuples(index=False):
        codes_by_name.setdefault(name_key(name), set()).add(code)
    unknown = [name for name in names if name_key(name) not in codes_by_name]
    if unknown:
        raise BenchmarkError(f"no CSP matches peer name(s): {', '.join(repr(n) for n in unknown)}")
    ambiguous = [name for name in names if len(codes_by_name[name_key(name)]) > 1]
    if ambiguous:
        raise BenchmarkError(f"more than one CSP code matches peer name(s): {', '.join(repr(n) for n in ambiguous)}")
    return [next(iter(codes_by_name[name_key(name)])) for name in names]


def area_csp_code(
    df: pd.DataFrame, csp_code: str | None, names: Sequence[str], council_codes: Sequence[str] = ()
) -> str:
    """The area's CSP code: ``csp_code`` from the area file, else the first of ``names`` that is a CSP.

    When the area file gives its councils' codes (``council_codes``, its ``local_authority_codes``) and the table
    gives the CSP's (``la_codes``), they must have one in common: a CSP code copied from another area's file
    would otherwise put that area's rate and rank under this area's name.

    Raises
    ------
    BenchmarkError
        If the code is not in the table, no name matches a CSP (a ``ValueError``), or the CSP's councils are
        none of the area's.
    """
    codes = set(df["csp_code"].unique())
    if csp_code:
        if csp_code not in codes:
            raise BenchmarkError(
                f"The area's CSP code {csp_code!r} is not in the ONS benchmark table; check csp_code in the area file"
            )
        code = csp_code
    else:
        code = next((found for name in names if (found := _named_csp(df, name))), None)
        if code is None:
            raise BenchmarkError(
                f"No CSP in the ONS benchmark table is called {' or '.join(repr(n) for n in names)}; "
                "set csp_code in the area file"
            )
    _check_councils(df, code, council_codes)
    return code


def _named_csp(df: pd.DataFrame, name: str) -> str | None:
    try:
        return resolve_peers(df, [name])[0]
    except BenchmarkError:
        return None


def _check_councils(df: pd.DataFrame, code: str, council_codes: Sequence[str]) -> None:
    """A BenchmarkError when the table's councils of CSP ``code`` and ``council_codes`` have none in common (nothing
    is checked when either is not given)."""
    if not council_codes or "la_codes" not in df.columns:
        return
    held = df.loc[df["csp_code"] == code, "la_codes"].dropna()
    theirs = {c.strip() for c in str(held.iloc[0]).split(";") if c.strip()} if len(held) else set()
    if theirs and not theirs & set(council_codes):
        name = df.loc[df["csp_code"] == code, "csp_name"].iloc[0]
        raise BenchmarkError(
            f"The area's CSP code {code} is {name}'s in the ONS benchmark table, whose councils are "
            f"{', '.join(sorted(theirs))}, none of the area file's local_authority_codes "
            f"({', '.join(council_codes)}); check csp_code and local_authority_codes in the area file"
        )


def csp_names(df: pd.DataFrame) -> dict[str, str]:
    """CSP code -> name, sorted by name."""
    pairs = df[["csp_code", "csp_name"]].drop_duplicates("csp_code")
    return dict(sorted(zip(pairs["csp_code"], pairs["csp_name"]), key=lambda item: item[1].casefold()))


def usable_peer_names(df: pd.DataFrame, names: Iterable[str], area_code: str) -> tuple[list[str], list[str]]:
    """Split peer names into those that match a CSP (as named in the table) and those that do not.

    The area itself is dropped from the peers; it is always in the group.
    """
    return _usable_peer_names(csp_names(df), names, area_code)


def _usable_peer_names(by_code: dict[str, str], names: Iterable[str], area_code: str) -> tuple[list[str], list[str]]:
    by_key: dict[str, set[str]] = {}
    for code, name in by_code.items():
        by_key.setdefault(name_key(name), set()).add(code)
    known, unknown = [], []
    for name in names:
        codes = by_key.get(name_key(name), set())
        if len(codes) != 1:
            unknown.append(name)
            continue
        code = next(iter(codes))
        if code != area_code and by_code[code] not in known:
            known.append(by_code[code])
    return known, unknown


def peer_presets(df: pd.DataFrame, area_code: str, area_peers: Sequence[str]) -> dict[str, list[str]]:
    """Ready-made peer lists (CSP names), besides the one in the area file.

    Returns
    -------
    dict
        ``{"Default peers": [...], "All <force> CSPs": [...],
        "All unitary authorities": [...]}``; each leaves the area out, since it
        is always in the group.  The default peers are the area file's list (often
        the partnership's Most Similar Group); the force is the area's police force area.
    """
    names = csp_names(df)
    return _peer_presets(df, names, area_code, _usable_peer_names(names, area_peers, area_code)[0])


def _peer_presets(df: pd.DataFrame, names: dict[str, str], area_code: str, known: list[str]) -> dict[str, list[str]]:
    csps = df[["csp_code", "force_name"]].drop_duplicates("csp_code")
    pairs = dict(zip(csps["csp_code"], csps["force_name"]))
    force = pairs.get(area_code)
    presets = {DEFAULT_PRESET: known}
    if isinstance(force, str):
        presets[f"All {force} CSPs"] = [names[c] for c in names if c != area_code and pairs.get(c) == force]
    unitary = unitary_authority_codes(df)
    presets["All unitary authorities"] = [names[c] for c in names if c != area_code and c in unitary]
    return presets


@dataclass(frozen=True)
class PeerChoices:
    """What a page offers for choosing peers.

    Attributes
    ----------
    names : dict
        CSP code -> name, every CSP in the table, sorted by name.
    options : list of str
        The names a user can pick as peers: every CSP but the area, which is always in the group.
    presets : dict
        Ready-made peer lists (:func:`peer_presets`).
    area_file_peers : list of str
        The area file's peers that match a CSP, as the table names them.
    unknown_peers : list of str
        The area file's peers that match none.
    """

    names: dict[str, str]
    options: list[str]
    presets: dict[str, list[str]]
    area_file_peers: list[str]
    unknown_peers: list[str]

    def offered(self, names) -> list[str]:
        """``names`` less any not among :attr:`options` (a choice kept from another table or area)."""
        return [name for name in names if name in self.options]


def peer_choices(df: pd.DataFrame, area_code: str, area_peers: Sequence[str]) -> PeerChoices:
    """The CSP names, preset peer lists and the area file's peers, split into known and unknown."""
    # What the choices need is per CSP: one row each, of the columns they read, is enough.
    csps = df[["csp_code", "csp_name", "force_name", "la_codes"]].drop_duplicates("csp_code")
    names = csp_names(csps)
    known, unknown = _usable_peer_names(names, area_peers, area_code)
    options = [name for code, name in names.items() if code != area_code]
    return PeerChoices(names, options, _peer_presets(csps, names, area_code, list(known)), known, unknown)
