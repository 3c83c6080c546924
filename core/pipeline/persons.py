"""One customer is one person: an ID whose rows disagree on birth date or gender is several people.

In the public dataset some CustomerIDs are reused: in the first 20,000 real rows 63 IDs appear twice, and 62 of
them have a different birth date on the two rows (35 a different gender), with unrelated balances. Adding up
their transactions would describe nobody. So a customer here is a *person*: CustomerID + birth date + gender as
written in the file. The first person of an ID (in file order) keeps the ID; the others get "ID#2", "ID#3", so
every existing key stays as it was and the original ID is the part before '#'. Looking an ID up finds every
person behind it. Location and balance may change between a person's transactions and don't split anyone.

The rule is SQL (``core.pipeline.engine.persons``), run before cleaning on DuckDB or Spark; training applies
it inside the engine. The functions here run the same SQL on an in-memory frame (scoring an uploaded file).
"""

from __future__ import annotations

import pandas as pd

from core.pipeline.engine.persons import PERSON_ATTRIBUTES, PERSON_SEPARATOR
from core.pipeline.quality import QualityReport

__all__ = ["PERSON_ATTRIBUTES", "PERSON_SEPARATOR", "original_id", "split_persons"]


def split_persons(raw: pd.DataFrame, report: QualityReport | None = None) -> pd.DataFrame:
    """The raw rows with CustomerID made a person key (see the module docstring); `raw` itself is not changed.

    Counts the IDs with conflicting birth dates or genders in `report`, with the rows concerned. Returns `raw`
    itself when no ID is split.
    """
    from core.pipeline.clean import raw_arrow
    from core.pipeline.engine.duck import DuckDBEngine
    from core.pipeline.engine.persons import split_persons_in_engine

    if "CustomerID" not in raw.columns or raw.empty:
        return raw
    columns = [str(c) for c in raw.columns]
    with DuckDBEngine() as engine:
        engine.register("raw_file", raw_arrow(raw))
        found = QualityReport()
        if not split_persons_in_engine(engine, columns, found):
            return raw
        ids = engine.arrow('SELECT "CustomerID" FROM raw_input ORDER BY row_no').column(0)
    if report is not None:
        report.items.extend(found.items)
    out = raw.copy()
    out["CustomerID"] = pd.Series(ids.to_pandas(), index=raw.index).astype(raw["CustomerID"].dtype)
    return out


def original_id(keys: pd.Series) -> pd.Series:
    """The CustomerID as written in the file: the person key without its '#n' suffix."""
    return keys.astype("string").str.replace(rf"{PERSON_SEPARATOR}\d+$", "", regex=True)
