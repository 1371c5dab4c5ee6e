"""Typed errors raised by library code.

Library modules never print or exit; they raise one of these. The CLI turns
:class:`InputError` (and its subclasses) into a one-paragraph message and exit
code 2, with no traceback and no output written.
"""

from __future__ import annotations

from dataclasses import dataclass


class OutreachError(Exception):
    """Base class for every error the engine raises on purpose."""


@dataclass
class InputError(OutreachError):
    """Bad user input: names the file, the row and the field when known.

    Parameters
    ----------
    message : str
        A sentence a district officer understands.
    file : str, optional
        The file that holds the problem.
    row : int, optional
        1-based row number as a spreadsheet shows it (header is row 1).
    field : str, optional
        The column or setting at fault.
    """

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ScenarioError(InputError):
    """A scenario file or setting is invalid."""


class GeographyError(InputError):
    """Villages, sangkats or the road network are inconsistent."""


class RoutingError(InputError):
    """A routing problem cannot be built (unreachable village, no vehicle, ...)."""


class OutputError(InputError):
    """The outputs cannot be written: disk full, read-only folder, another run writing there."""
