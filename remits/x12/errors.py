"""The reader's exception and the issues it collects while reading an 835."""

from __future__ import annotations

from dataclasses import dataclass


def _describe(
    filename: str | None,
    position: int | None,
    segment_id: str | None,
    element: str | None,
    message: str,
) -> str:
    where = filename or "<input>"
    if position is not None:
        where += f": segment {position}"
        if segment_id:
            where += f" ({segment_id})"
    elif segment_id:
        where += f": {segment_id}"
    if element:
        where += f", element {element}"
    return f"{where}: {message}"


class X12Error(Exception):
    """The whole input cannot be read as an 835 (no envelope, unreadable delimiters)."""

    def __init__(
        self,
        message: str,
        *,
        filename: str | None = None,
        position: int | None = None,
        segment_id: str | None = None,
        element: str | None = None,
    ) -> None:
        self.filename = filename
        self.position = position
        self.segment_id = segment_id
        self.element = element
        self.message = message
        super().__init__(_describe(filename, position, segment_id, element, message))

    def __str__(self) -> str:
        return _describe(
            self.filename, self.position, self.segment_id, self.element, self.message
        )


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found while reading; "error" rejects its transaction set."""

    severity: str  # "warning" | "error"
    filename: str | None
    position: int | None
    segment_id: str | None
    element: str | None
    message: str

    def __str__(self) -> str:
        return _describe(
            self.filename, self.position, self.segment_id, self.element, self.message
        )

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
