"""YAML data files with sources and line-numbered errors.

The plan file and the survey files are YAML edited by hand, so they are read as untrusted input:
:meth:`YamlNode.load` parses a file (refusing repeated keys), and every accessor of
:class:`YamlNode` checks the value it returns. The first problem raises :class:`DataFileError`,
whose message names the file, the field path (``plans[0].kpis[3].target``), what is wrong and
the line it is on, for example::

    plans.yaml: plans[0].kpis[3].value: expected a number, got 'high' (str) (line 430)

Every fact in these files carries a :class:`Source`: the document and the section it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from csp_data.errors import CspDataError, InputFileError

__all__ = ["DataFileError", "Source", "UnknownIdError", "YamlNode", "check_unique", "read_source"]


class DataFileError(InputFileError):
    """A data file that cannot be used, with the file, the field and the problem.

    A subclass of :class:`csp_data.errors.InputFileError` (and so of ``ValueError``),
    so the dashboard shows it as a one-line message like every other bad input.

    Parameters
    ----------
    path : str or pathlib.Path
        The file that was being read.
    field : str
        Where in the file: a field path such as ``plans[0].kpis[3].target``, or a
        position such as ``line 12, column 3`` when the file could not be parsed.
        Empty when the problem is with the whole file.
    problem : str
        What is wrong, in words a person editing the file can act on.
    line : int, optional
        The 1-based line of the problem, when known. It is added to the message
        after the problem unless ``field`` already gives it.
    """

    def __init__(self, path: str | Path, field: str, problem: str, line: int | None = None) -> None:
        super().__init__(path, problem, line)
        self.field = field
        message = f"{self.path}: {field}: {problem}" if field else f"{self.path}: {problem}"
        # The message starts with the field path, which is what an editor searches for; the line
        # follows, and is left out when the field is itself a position.
        if line is not None and not field.startswith("line "):
            message += f" (line {line})"
        self.args = (message,)

    def __str__(self) -> str:
        return self.args[0]


class UnknownIdError(CspDataError, KeyError):
    """An id asked for that the data does not hold (a priority, a KPI, a question).

    A ``KeyError`` for callers that look things up by id, whose text is the plain
    message rather than ``KeyError``'s quoted one.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document and a heading or table inside it.

    ``section`` may give nested headings separated by ``" > "``.
    """

    doc: str
    section: str

    @property
    def citation(self) -> str:
        """The source in words for a table cell: ``"doc, section"``."""
        return f"{self.doc}, {self.section}"


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML loader that refuses repeated keys (PyYAML would keep the last). libyaml's parser when
    PyYAML has it (about ten times faster on the plan file), else the pure-Python one; both give lines."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first used on line {seen[key]})", key_node.start_mark
            )
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _describe(value: Any) -> str:
    """Short description of a value for error messages: ``'high' (str)``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


@dataclass(frozen=True)
class YamlNode:
    """One value of a parsed YAML file, with the file, the field path and the line.

    Every accessor checks the value and raises :class:`DataFileError` naming the file,
    field and line when it is wrong, so readers need no error handling of their own.

    Parameters
    ----------
    path : pathlib.Path
        The file the value came from.
    where : str
        Field path from the document root, such as ``plans[0].kpis[3]``.
    value : object
        The parsed value (``None`` for YAML ``null`` or a missing optional field).
    node : yaml.Node, optional
        The parsed YAML node, which knows its line; for a missing field, the node of
        the mapping it is missing from.
    """

    path: Path
    where: str
    value: Any
    node: yaml.Node | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path) -> YamlNode:
        """Read and parse a YAML file, returning its root node.

        Raises
        ------
        DataFileError
            If the file is missing or unreadable, not UTF-8, or not valid YAML (with
            its line and column), or has a repeated key.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(path, "", "file does not exist") from None
        except UnicodeDecodeError as exc:
            raise DataFileError(path, "", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise DataFileError(path, "", f"cannot read the file ({exc.strerror or exc})") from None
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            value = None if root is None else loader.construct_document(root)
        except yaml.YAMLError as exc:
            raise DataFileError(
                path, _yaml_error_position(exc), _yaml_error_problem(exc), line=_yaml_error_line(exc)
            ) from None
        finally:
            loader.dispose()
        return cls(path, "", value, root)

    @property
    def line(self) -> int | None:
        """The 1-based line the value starts on, when known."""
        return None if self.node is None else self.node.start_mark.line + 1

    def fail(self, problem: str) -> NoReturn:
        """Raise :class:`DataFileError` for this node."""
        raise DataFileError(self.path, self.where or "(document)", problem, line=self.line)

    def _child_where(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _child_node(self, key: str) -> yaml.Node | None:
        """The YAML node of ``key``; the mapping's own node when the key is absent."""
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    return value_node
        return self.node

    def mapping(self, allowed: Iterable[str]) -> YamlNode:
        """Check the value is a mapping whose keys are all in ``allowed``."""
        if not isinstance(self.value, dict):
            self.fail(f"expected a mapping of fields, got {_describe(self.value)}")
        allowed = tuple(allowed)
        for key in self.value:
            if key not in allowed:
                self.fail(f"unknown field {key!r}; allowed fields are {', '.join(allowed)}")
        return self

    def get(self, key: str, *, required: bool = True) -> YamlNode:
        """The node for ``key``; a missing optional key gives a node holding ``None``."""
        if not isinstance(self.value, dict):
            self.fail(f"expected a mapping of fields, got {_describe(self.value)}")
        child = YamlNode(self.path, self._child_where(key), self.value.get(key), self._child_node(key))
        if key not in self.value and required:
            child.fail("required field is missing")
        return child

    def items(self, *, required: bool = True) -> list[YamlNode]:
        """The nodes of a list value (an absent optional list gives ``[]``)."""
        if self.value is None and not required:
            return []
        if not isinstance(self.value, list):
            self.fail(f"expected a list, got {_describe(self.value)}")
        nodes = self.node.value if isinstance(self.node, yaml.SequenceNode) else [self.node] * len(self.value)
        return [
            YamlNode(self.path, f"{self.where}[{i}]", item, item_node)
            for i, (item, item_node) in enumerate(zip(self.value, nodes))
        ]

    def text(self, *, nullable: bool = False) -> str | None:
        """A non-empty string (or ``None`` when ``nullable``)."""
        if self.value is None and nullable:
            return None
        if not isinstance(self.value, str):
            self.fail(f"expected text, got {_describe(self.value)}; put quotes round it")
        if not self.value.strip():
            self.fail("must not be empty")
        return self.value.strip()

    def texts(self) -> tuple[str, ...]:
        """A list of non-empty strings (absent means an empty list)."""
        return tuple(item.text() for item in self.items(required=False))

    def number(self, *, nullable: bool = False) -> float | None:
        """A finite number (booleans are refused); ``None`` allowed when ``nullable``."""
        if self.value is None and nullable:
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            self.fail(f"expected a number, got {_describe(self.value)}")
        if not math.isfinite(self.value):
            self.fail(f"must be a finite number, got {self.value}")
        return float(self.value)

    def integer(self, *, nullable: bool = False, minimum: int | None = None) -> int | None:
        """A whole number, optionally at least ``minimum``."""
        if self.value is None and nullable:
            return None
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail(f"expected a whole number, got {_describe(self.value)}")
        if minimum is not None and self.value < minimum:
            self.fail(f"must be at least {minimum}, got {self.value}")
        return self.value

    def choice(self, allowed: Sequence[str], *, nullable: bool = False) -> str | None:
        """One of the ``allowed`` strings."""
        if self.value is None and nullable:
            return None
        if not isinstance(self.value, str) or self.value not in allowed:
            self.fail(f"must be one of {', '.join(allowed)}; got {_describe(self.value)}")
        return self.value


def read_source(node: YamlNode) -> Source:
    """A ``{doc, section}`` mapping as a :class:`Source`."""
    node.mapping(("doc", "section"))
    return Source(doc=node.get("doc").text(), section=node.get("section").text())


def check_unique(nodes: Sequence[YamlNode], what: str = "id") -> None:
    """Refuse a value used twice among ``nodes``, naming where it was first used.

    Parameters
    ----------
    nodes : sequence of YamlNode
        Text nodes, such as the ``id`` of every item of a list; nodes holding
        ``None`` (an optional key left empty) are skipped.
    what : str, optional
        What the values are, for the message: ``"id"`` by default.

    Raises
    ------
    DataFileError
        At the second use of a value.
    """
    seen: dict[str, YamlNode] = {}
    for node in nodes:
        value = node.text(nullable=True)
        if value is None:
            continue
        if value in seen:
            node.fail(f"{what} {value!r} is already used at {seen[value].where}")
        seen[value] = node


def _yaml_error_mark(exc: yaml.YAMLError):
    return getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)


def _yaml_error_position(exc: yaml.YAMLError) -> str:
    mark = _yaml_error_mark(exc)
    return "" if mark is None else f"line {mark.line + 1}, column {mark.column + 1}"


def _yaml_error_line(exc: yaml.YAMLError) -> int | None:
    mark = _yaml_error_mark(exc)
    return None if mark is None else mark.line + 1


def _yaml_error_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    words = " ".join(part for part in (context, problem) if part)
    return f"not valid YAML: {words}" if words else f"not valid YAML: {exc}"
