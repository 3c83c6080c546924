"""The data-quality report of a cleaning run: what was read, what was kept, and every fix with its reason.

Actions:
- ``fixed``: a value was changed (normalised, or set to unknown because it was unusable);
- ``excluded``: rows were left out of the clean data;
- ``flagged``: values were kept as they are but deserve attention (overdrafts, formula-like text, gaps);
- ``note``: something about the file as a whole (a column that is absent or ignored).

Counts are numbers of rows. The report is JSON-safe through ``to_dict`` / ``from_dict`` so it can be saved
next to the other artifacts (``quality.json``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from core.errors import ArtifactError

ACTIONS: tuple[str, ...] = ("fixed", "excluded", "flagged", "note")
ITEM_FIELDS: tuple[str, ...] = ("column", "issue", "action", "count")


@dataclass(frozen=True)
class QualityItem:
    """One kind of problem in one column, what was done about it, and on how many rows."""

    column: str
    issue: str
    action: str
    count: int

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"quality action must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        if self.count < 0:
            raise ValueError(f"quality count cannot be negative ({self.count})")


@dataclass
class QualityReport:
    """Rows read, rows kept, and the list of quality items of one cleaning run."""

    rows_in: int = 0
    rows_out: int = 0
    items: list[QualityItem] = field(default_factory=list)

    def add(self, column: str, issue: str, action: str, count: int) -> None:
        """Record an item; zero counts are ignored so callers can add every check unconditionally."""
        count = int(count)  # numpy integers are not JSON-serialisable
        if count == 0:
            return
        self.items.append(QualityItem(str(column), str(issue), str(action), count))

    @property
    def rows_excluded(self) -> int:
        """Rows left out, summed over the exclusion items."""
        return sum(item.count for item in self.items if item.action == "excluded")

    def to_frame(self) -> pd.DataFrame:
        """The items as a table with columns column, issue, action, count (for display)."""
        records = [asdict(item) for item in self.items]
        frame = pd.DataFrame.from_records(records, columns=list(ITEM_FIELDS))
        return frame.astype({"column": "str", "issue": "str", "action": "str", "count": "int64"})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dictionary (plain ints and strings only)."""
        return {
            "rows_in": int(self.rows_in),
            "rows_out": int(self.rows_out),
            "items": [asdict(item) for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityReport:
        """Rebuild a report saved with ``to_dict``; raises ArtifactError when the data is not such a report."""
        try:
            items = [
                QualityItem(str(i["column"]), str(i["issue"]), str(i["action"]), int(i["count"])) for i in data["items"]
            ]
            return cls(rows_in=int(data["rows_in"]), rows_out=int(data["rows_out"]), items=items)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"the saved data-quality report is damaged or incomplete ({exc!r})") from exc

    def summary(self) -> str:
        """One line for people: rows read and kept, then each item with its count."""
        parts = [f"{self.rows_in:,} rows read, {self.rows_out:,} kept"]
        for item in self.items:
            if item.action == "note":
                parts.append(item.issue)
            elif item.action == "fixed":
                parts.append(f"{item.count:,} {item.issue}")
            else:
                parts.append(f"{item.count:,} {item.issue} ({item.action})")
        return "; ".join(parts)
