"""Police force names and the stable key that identifies a force in the store.

police.uk spells a force the same way in every file, but files edited by hand or exported by other
tools do not ('Kent Police', 'KENT POLICE', 'Kent-Police', 'Kent  Police'). All of those are one
force, so they share one key; two different names never share a key, whatever characters they use.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_]+")
_SLUG_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ForceNameError(ValueError):
    """A 'Reported by' or 'Falls within' value that cannot name a police force."""


def normalise_force_name(name: str) -> str:
    """The force name with Unicode, spacing and hyphens made uniform (case is kept for display).

    Raises
    ------
    ForceNameError
        For an empty name or one holding control characters (such as NUL or 0x1F).
    """
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") and c not in " " for c in name):
        bad = next(c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co"))
        raise ForceNameError(f"holds the control character 0x{ord(bad):02X}")
    text = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    if not text:
        raise ForceNameError("is empty")
    return text


def force_key(name: str) -> str:
    """The folder-safe key of a force: 'Kent Police', 'KENT POLICE' and 'Kent-Police' -> 'kent-police'.

    Names made only of ASCII letters, digits and separators map to their plain slug; any other name
    gets a slug of its ASCII letters plus a hash of the whole name, so that two names that differ
    only in other characters ('.' and '..', two non-ASCII spellings) never share a folder.
    """
    folded = normalise_force_name(name).casefold()
    slug = folded.replace(" ", "-")
    if _SLUG_SAFE.match(slug):
        return slug
    ascii_part = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:40] or "force"
    digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:12]
    return f"{ascii_part}-x{digest}"


def describe_forces(
    territorial: tuple[str, ...], other_incidents: int, other_forces: int, where: str = "on the Data and methods page"
) -> str:
    """Which force's rows the totals count, in a sentence for the pages.

    Parameters
    ----------
    territorial : tuple of str
        The area's territorial force(s) from the area file; empty when every force counts.
    other_incidents, other_forces : int
        Incidents in the area reported by other forces (such as British Transport Police), and how
        many forces reported them.
    where : str
        Where those are shown ("below" on the Data and methods page itself).
    """
    if not territorial:
        return "Counts include every force that reported incidents in the area."
    names = " and ".join(territorial)
    sentence = f"Counts are of incidents recorded by {names}, the area's territorial police, as in ONS figures."
    if other_incidents:
        forces = "another force" if other_forces == 1 else f"{other_forces} other forces"
        sentence += (
            f" {other_incidents:,} more reported in the area by {forces} (such as British Transport Police "
            f"at railway stations) are shown separately {where}."
        )
    return sentence


def territorial_force_missing(
    territorial: tuple[str, ...], territorial_keys: tuple[str, ...], ledger: list[dict]
) -> str | None:
    """Why the area has no month although the store holds some: none of its months is from the forces whose
    rows make its totals (a misspelt ``territorial_forces``, say). None when that is not so."""
    keys = set(territorial_keys)
    if not keys or not ledger or any(row["force_slug"] in keys for row in ledger):
        return None
    held = ", ".join(sorted({row["force"] for row in ledger}))
    return (
        f"no loaded month is from the area's territorial force(s) ({', '.join(territorial)}), whose rows make its "
        f"totals; the store holds {held}: check the area file's [match] territorial_forces"
    )
