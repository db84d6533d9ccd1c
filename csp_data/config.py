"""The area file: one TOML file that describes a Community Safety Partnership.

Medway's is ``data/medway/area.toml`` and is the default. Paths inside an area file are relative to
the file itself, so an area folder can be copied anywhere. See the README, "Configure another
partnership", for every field.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from csp_data.errors import AreaFileError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AREA_FILE = PACKAGE_ROOT / "data" / "medway" / "area.toml"

# Ward vintage ids become parts of column names in the store, so they are held to this pattern.
_VINTAGE_ID = re.compile(r"^[0-9a-z_]{1,20}$")


@dataclass(frozen=True)
class WardVintage:
    """One set of ward boundaries (e.g. the wards in force since May 2023)."""

    vintage: str
    label: str
    boundary_file: Path
    code_field: str
    name_field: str
    current: bool
    source: str = ""  # where the boundaries come from, as the area file gives it ("ONS, ... boundaries")

    @property
    def code_column(self) -> str:
        """Store column holding this vintage's ward code."""
        return "ward_code" if self.current else f"ward_code_{self.vintage}"

    @property
    def name_column(self) -> str:
        """Store column holding this vintage's ward name."""
        return "ward_name" if self.current else f"ward_name_{self.vintage}"


@dataclass(frozen=True)
class Population:
    """Resident population by ward, used for rates per 1,000."""

    file: Path
    vintage: str
    year: str
    code_field: str
    value_field: str
    source: str

    @property
    def cited(self) -> str:
        """The source with its year, once: 'ONS, mid-2022 estimates' stays; 'ONS estimates (mid-2022)'."""
        return self.source if self.year in self.source else f"{self.source} ({self.year})"


@dataclass(frozen=True)
class Contact:
    """How a resident reaches the partnership about the site (another format, a problem): at least one way."""

    team: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    web: str = ""


# A contact's email address: plain (no "mailto:", no brackets or quotes, which would break the statement's link).
_CONTACT_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _read_contact(doc: dict, path: Path) -> Contact | None:
    table = _document_table(doc, "contact", path)
    if table is None:
        return None
    values = {}
    for key in AREA_FILE_FIELDS["contact"]:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise AreaFileError(path, f"field 'contact.{key}' should be a string, got {type(value).__name__} {value!r}")
        if key == "address":  # one line per part, blank lines and indents dropped
            values[key] = "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())
        else:
            values[key] = " ".join(value.split())
    if not any(values[k] for k in ("email", "phone", "address", "web")):
        raise AreaFileError(path, "the [contact] table should give at least one of email, phone, address or web")
    if values["email"] and not _CONTACT_EMAIL.match(values["email"]):
        raise AreaFileError(path, f"field 'contact.email' is not an email address: {values['email']!r}")
    if values["web"] and not re.match(r"^https://[^\s<>\"'()\[\]]+$", values["web"]):
        raise AreaFileError(path, f"field 'contact.web' should be an https:// address, got {values['web']!r}")
    return Contact(**values)


@dataclass(frozen=True)
class Area:
    """A partnership: its name, how its police.uk rows are recognised, and its geography."""

    name: str
    short_name: str
    local_authority_codes: tuple[str, ...]
    csp_code: str | None
    lsoa_districts: tuple[str, ...]
    territorial_forces: tuple[str, ...]
    wards: tuple[WardVintage, ...]
    population: Population | None
    peers: tuple[str, ...]
    store_dir: Path
    area_file: Path
    # The [plans] and [survey] tables: files resolved against the area file. They are checked to
    # exist only when a page reads them (csp_data.area_documents), so a missing survey file stops
    # the survey page, not the whole dashboard.
    plans_file: Path | None = None
    survey_files: tuple[Path, ...] = ()
    responses_file: Path | None = None
    # The [contact] table: how residents reach the partnership (the accessibility statement names it).
    contact: Contact | None = None

    @property
    def territorial_force_keys(self) -> tuple[str, ...]:
        """Store keys of the force(s) whose rows make the area's totals; empty means every force."""
        from csp_data.store.forces import force_key

        return tuple(force_key(name) for name in self.territorial_forces)

    @property
    def boundary_sources(self) -> str:
        """Where the ward boundaries come from: the [[wards]] sources given, each once, or, when none is given,
        the area file's own words for its files."""
        given = list(dict.fromkeys(w.source for w in self.wards if w.source))
        return "; ".join(given) if given else "the ward boundary files named in the area file"

    @property
    def current_wards(self) -> WardVintage:
        """The ward vintage in force now."""
        return next(w for w in self.wards if w.current)

    def ward_vintage(self, vintage: str) -> WardVintage:
        """Return the ward vintage with id ``vintage``; raise ``KeyError`` naming the known ones."""
        for ward in self.wards:
            if ward.vintage == vintage:
                return ward
        known = ", ".join(w.vintage for w in self.wards)
        raise KeyError(f"unknown ward vintage {vintage!r}; this area has {known}")


#: Every table of an area file and the fields each takes: anything else is refused by name, as a misspelt field
#: (``territorial_force``) would otherwise be ignored and change what is counted without a word.
AREA_FILE_FIELDS: dict[str, tuple[str, ...]] = {
    "": ("area", "match", "wards", "population", "peers", "store", "plans", "survey", "contact"),
    "area": ("name", "short_name", "local_authority_codes", "csp_code", "police_force"),
    "match": ("lsoa_districts", "territorial_forces"),
    "wards": ("vintage", "label", "current", "file", "code_field", "name_field", "source"),
    "population": ("file", "vintage", "year", "code_field", "value_field", "source"),
    "peers": ("csps",),
    "store": ("path",),
    "plans": ("file",),
    "survey": ("files", "responses"),
    "contact": ("team", "email", "phone", "address", "web"),
}


def _known_fields(table: dict, name: str, path: Path, where: str | None = None) -> None:
    """Refuse a field that the ``name`` table of an area file does not take, naming those it does."""
    allowed = AREA_FILE_FIELDS[name]
    for key in table:
        if key not in allowed:
            if not name:
                raise AreaFileError(
                    path, f"unknown table or field '{key}'; an area file takes the tables {', '.join(allowed)}"
                )
            raise AreaFileError(
                path, f"unknown field '{where or name + '.'}{key}'; the [{name}] table takes {', '.join(allowed)}"
            )


def _require(table: dict, key: str, kind: type, path: Path, where: str):
    if key not in table:
        raise AreaFileError(path, f"missing field '{where}{key}'")
    value = table[key]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        expected = "a non-empty string" if kind is str else kind.__name__
        raise AreaFileError(path, f"field '{where}{key}' should be {expected}, got {type(value).__name__} {value!r}")
    return value


def _string_list(table: dict, key: str, path: Path, where: str, required: bool = True) -> tuple[str, ...]:
    if key not in table and not required:
        return ()
    values = _require(table, key, list, path, where)
    if required and not values:
        raise AreaFileError(path, f"field '{where}{key}' should list at least one value")
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise AreaFileError(path, f"field '{where}{key}' should hold only non-empty strings, got {value!r}")
    return tuple(values)


def _forces(match: dict, path: Path) -> tuple[str, ...]:
    from csp_data.store.forces import ForceNameError, force_key

    names = _string_list(match, "territorial_forces", path, "match.", required=False)
    for name in names:
        try:
            force_key(name)
        except ForceNameError as exc:
            raise AreaFileError(path, f"field 'match.territorial_forces' value {name!r} {exc}") from None
    return names


def _existing_file(base: Path, relative: str, path: Path, where: str) -> Path:
    resolved = (base / relative).resolve()
    if resolved.is_dir():
        raise AreaFileError(path, f"field '{where}' names {relative}, which is a folder, not a file ({resolved})")
    if not resolved.is_file():
        raise AreaFileError(path, f"field '{where}' names {relative}, which does not exist (looked at {resolved})")
    return resolved


def _read_wards(doc: dict, path: Path) -> tuple[WardVintage, ...]:
    entries = doc.get("wards")
    if not isinstance(entries, list) or not entries:
        raise AreaFileError(path, "missing '[[wards]]': at least one ward boundary vintage is needed")
    wards = []
    for index, entry in enumerate(entries):
        where = f"wards[{index}]."
        if not isinstance(entry, dict):
            raise AreaFileError(path, f"'{where[:-1]}' should be a table")
        _known_fields(entry, "wards", path, where)
        vintage = _require(entry, "vintage", str, path, where)
        if not _VINTAGE_ID.match(vintage):
            raise AreaFileError(
                path, f"field '{where}vintage' should be 1-20 lower-case letters, digits or _, got {vintage!r}"
            )
        current = entry.get("current", False)
        if not isinstance(current, bool):
            raise AreaFileError(path, f"field '{where}current' should be true or false, got {current!r}")
        wards.append(
            WardVintage(
                vintage=vintage,
                label=_require(entry, "label", str, path, where),
                boundary_file=_existing_file(
                    path.parent, _require(entry, "file", str, path, where), path, where + "file"
                ),
                code_field=_require(entry, "code_field", str, path, where),
                name_field=_require(entry, "name_field", str, path, where),
                current=current,
                source=_optional_text(entry, "source", path, where),
            )
        )
    if sum(w.current for w in wards) != 1:
        raise AreaFileError(path, "exactly one '[[wards]]' entry should have current = true")
    if len({w.vintage for w in wards}) != len(wards):
        raise AreaFileError(path, "each '[[wards]]' entry needs its own vintage id")
    return tuple(wards)


def _optional_text(table: dict, key: str, path: Path, where: str) -> str:
    """A field that may be left out (""), or a string on one line."""
    value = table.get(key, "")
    if not isinstance(value, str):
        raise AreaFileError(path, f"field '{where}{key}' should be a string, got {type(value).__name__} {value!r}")
    return " ".join(value.split())


def _read_population(doc: dict, path: Path, wards: tuple[WardVintage, ...]) -> Population | None:
    table = doc.get("population")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise AreaFileError(path, "'population' should be a table")
    _known_fields(table, "population", path)
    where = "population."
    vintage = _require(table, "vintage", str, path, where)
    if vintage not in {w.vintage for w in wards}:
        raise AreaFileError(path, f"field 'population.vintage' is {vintage!r}, which is not one of the ward vintages")
    return Population(
        file=_existing_file(path.parent, _require(table, "file", str, path, where), path, where + "file"),
        vintage=vintage,
        year=_require(table, "year", str, path, where),
        code_field=_require(table, "code_field", str, path, where),
        value_field=_require(table, "value_field", str, path, where),
        source=_require(table, "source", str, path, where),
    )


def _document_table(doc: dict, name: str, path: Path) -> dict | None:
    table = doc.get(name)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise AreaFileError(path, f"'{name}' should be a table ([{name}]), got {type(table).__name__}")
    _known_fields(table, name, path)
    return table


def _document_path(value, field: str, path: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise AreaFileError(
            path, f"field '{field}' should be a non-empty string naming a file, got {type(value).__name__} {value!r}"
        )
    return (path.parent / value).resolve()


def _read_documents(doc: dict, path: Path) -> dict:
    """The ``[plans]`` and ``[survey]`` tables as keyword arguments of :class:`Area`."""
    documents: dict = {}
    plans = _document_table(doc, "plans", path)
    if plans is not None:
        if "file" not in plans:
            raise AreaFileError(path, "missing field 'plans.file' (the plan file, e.g. \"plans/plans.yaml\")")
        documents["plans_file"] = _document_path(plans["file"], "plans.file", path)
    survey = _document_table(doc, "survey", path)
    if survey is not None:
        files = survey.get("files", [])
        if not isinstance(files, list):
            raise AreaFileError(
                path, f"field 'survey.files' should be a list of file names, got {type(files).__name__} {files!r}"
            )
        documents["survey_files"] = tuple(
            _document_path(value, f"survey.files[{index}]", path) for index, value in enumerate(files)
        )
        if "responses" in survey:
            documents["responses_file"] = _document_path(survey["responses"], "survey.responses", path)
    return documents


def default_area_file() -> Path:
    """Medway's area file: beside the package in a checkout, else in ``data/medway`` of the working
    folder (a normal, non-editable install puts the package in site-packages, away from the data)."""
    if DEFAULT_AREA_FILE.is_file():
        return DEFAULT_AREA_FILE
    return Path.cwd() / "data" / "medway" / "area.toml"


def load_area(path: str | Path | None = None) -> Area:
    """Read and check an area file.

    Parameters
    ----------
    path : str or Path, optional
        The TOML file. Defaults to ``$CSP_AREA_FILE`` when set, else Medway's.

    Returns
    -------
    Area

    Raises
    ------
    AreaFileError
        When the file is missing, is not TOML, or lacks a field or has a wrong one; the message
        names the file and the field.
    """
    path = Path(path or os.environ.get("CSP_AREA_FILE") or default_area_file()).resolve()
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte order mark (Windows Notepad's) is not TOML
    except FileNotFoundError:
        raise AreaFileError(path, "area file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AreaFileError(path, f"cannot read area file ({exc})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AreaFileError(path, f"not valid TOML ({exc})") from None

    _known_fields(doc, "", path)
    area = doc.get("area")
    if not isinstance(area, dict):
        raise AreaFileError(path, "missing '[area]' table")
    _known_fields(area, "area", path)
    name = _require(area, "name", str, path, "area.")
    short_name = _require(area, "short_name", str, path, "area.")
    local_authority_codes = _string_list(area, "local_authority_codes", path, "area.")
    for code in local_authority_codes:  # ONS codes of districts and unitary authorities: E06-E09, W06
        if not re.fullmatch(r"(E0[6-9]|W06)\d{6}", code.strip()):
            raise AreaFileError(
                path,
                f"field 'area.local_authority_codes' value {code!r} is not an ONS local authority code "
                "(E06, E07, E08 or E09 and six digits in England, W06 in Wales)",
            )
    match = doc.get("match")
    if not isinstance(match, dict):
        raise AreaFileError(path, "missing '[match]' table saying how the area's police.uk rows are recognised")
    _known_fields(match, "match", path)
    wards = _read_wards(doc, path)
    store = doc.get("store", {})
    if not isinstance(store, dict):
        raise AreaFileError(path, f"'store' should be a table ([store] with path = ...), got {store!r}")
    _known_fields(store, "store", path)
    store_dir = store.get("path", "store")
    if not isinstance(store_dir, str) or not store_dir.strip():
        raise AreaFileError(path, f"field 'store.path' should be a non-empty string, got {store_dir!r}")
    peers_table = doc.get("peers", {})
    if not isinstance(peers_table, dict):
        raise AreaFileError(path, "'peers' should be a table")
    _known_fields(peers_table, "peers", path)
    csp_code = area.get("csp_code")
    if csp_code is not None and not isinstance(csp_code, str):
        raise AreaFileError(path, f"field 'area.csp_code' should be a string, got {csp_code!r}")
    if csp_code is not None and not re.fullmatch(r"(E22|W14)\d{6}", csp_code):
        raise AreaFileError(
            path, f"field 'area.csp_code' value {csp_code!r} is not an ONS CSP code (E22 or W14 and six digits)"
        )
    return Area(
        name=name,
        short_name=short_name,
        local_authority_codes=local_authority_codes,
        csp_code=csp_code,
        lsoa_districts=tuple(d.strip() for d in _string_list(match, "lsoa_districts", path, "match.")),
        territorial_forces=_forces(match, path),
        wards=wards,
        population=_read_population(doc, path, wards),
        peers=_string_list(peers_table, "csps", path, "peers.", required=False),
        store_dir=(path.parent / store_dir).resolve(),
        area_file=path,
        **_read_documents(doc, path),
        contact=_read_contact(doc, path),
    )
