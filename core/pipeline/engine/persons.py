"""One customer is one person, in SQL: an ID whose rows disagree on birth date or gender is several people.

The rule (documented in ``core.pipeline.persons``): a customer is CustomerID + birth date + gender as written
(compared without surrounding spaces, case or leading zeros, so '10/01/94' 'm' is '10/1/94' 'M'; missing and
'nan' are the same). Among the rows of one ID, persons are numbered in order of first appearance; the first
keeps the ID, the others become 'ID#2', 'ID#3' (the ID stripped of surrounding spaces). Only IDs that occur on
more than one row can be split. The split runs on the raw text before cleaning, on DuckDB or Spark alike.

Relations: ``raw_file`` (the input as read, with ``row_no``) -> ``person_rows`` (the rows of split IDs, with
their person number) -> ``raw_input`` (``raw_file`` with CustomerID made the person key).
"""

from __future__ import annotations

from collections.abc import Sequence

from core.pipeline.engine.rules import literal, trimmed
from core.pipeline.quality import QualityReport

PERSON_SEPARATOR = "#"
PERSON_ATTRIBUTES = ("CustomerDOB", "CustGender")
NO_VALUE = ("nan", "none", "null")  # written values that mean "no birth date / gender" (after lower case)
LEADING_ZEROS = r"(^|[^0-9])0+([0-9])"  # '01/02/1994' -> '1/2/1994'; kept: the character before, the digit


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def attribute_key(column: str) -> str:
    """A person attribute compared without spaces, case or leading zeros; '' when missing or 'nan'."""
    text = f"REGEXP_REPLACE(LOWER({trimmed(column)}), {literal(LEADING_ZEROS)}, '\\1\\2', 'g')"
    tokens = ", ".join(literal(t) for t in NO_VALUE)
    return f"CASE WHEN {column} IS NULL THEN '' WHEN {text} IN ({tokens}) THEN '' ELSE {text} END"


def person_rows_sql(columns: Sequence[str]) -> str:
    """The rows of IDs used by more than one person: row_no, stripped ID, attribute keys, person number."""
    attributes = [c for c in PERSON_ATTRIBUTES if c in columns]
    # The attributes ride along with the stripped IDs (one scan, no self-join of the input on row_no); their
    # keys are computed once per distinct written value (a few thousand birth dates, not millions of rows:
    # two regular expressions a row cost 2 s of 12M rows) and joined to the rows of repeated IDs.
    raw = ", ".join(_quoted(c) for c in attributes)
    keys = ", ".join(f"COALESCE(k{i}.k, '') AS a{i}" for i in range(len(attributes)))
    key_joins = " ".join(
        f"LEFT JOIN (SELECT raw, {attribute_key('raw')} AS k FROM (SELECT DISTINCT {_quoted(c)} AS raw "
        f"FROM raw_file WHERE {_quoted(c)} IS NOT NULL) d) k{i} ON r.{_quoted(c)} = k{i}.raw"
        for i, c in enumerate(attributes)
    )
    names = ", ".join(f"a{i}" for i in range(len(attributes)))
    on = " AND ".join(["rr.pid = n.pid", *(f"rr.a{i} = n.a{i}" for i in range(len(attributes)))])
    return f"""
        WITH ids AS (
            SELECT row_no, {trimmed('"CustomerID"')} AS pid, {raw} FROM raw_file WHERE "CustomerID" IS NOT NULL
        ),
        repeated AS (SELECT pid FROM ids GROUP BY pid HAVING COUNT(*) > 1),
        rr AS (SELECT r.row_no, r.pid, {keys} FROM ids r JOIN repeated p ON r.pid = p.pid {key_joins}),
        persons AS (SELECT pid, {names}, MIN(row_no) AS first_row FROM rr GROUP BY pid, {names}),
        numbered AS (
            SELECT pid, {names},
                   ROW_NUMBER() OVER (PARTITION BY pid ORDER BY first_row) AS person_no,
                   COUNT(*) OVER (PARTITION BY pid) AS persons
            FROM persons
        )
        SELECT rr.row_no, rr.pid, {", ".join(f"rr.a{i}" for i in range(len(attributes)))}, n.person_no, n.persons
        FROM rr JOIN numbered n ON {on}
        WHERE n.persons > 1
    """


def split_sql(columns: Sequence[str]) -> str:
    """``raw_file`` with CustomerID as the person key (the second and later persons of an ID get '#n')."""
    key = (
        f"CASE WHEN p.person_no > 1 THEN p.pid || {literal(PERSON_SEPARATOR)} || CAST(p.person_no AS VARCHAR) "
        'ELSE r."CustomerID" END AS "CustomerID"'
    )
    items = [key if c == "CustomerID" else f"r.{_quoted(c)}" for c in columns]
    return f"SELECT {', '.join(items)}, r.row_no FROM raw_file r LEFT JOIN person_rows p ON r.row_no = p.row_no"


def split_issue(n_ids: int, differ: dict[str, int], n_persons: int) -> str:
    """The report's words for the IDs split into persons."""
    what = " or ".join(
        f"{'birth dates' if c == 'CustomerDOB' else 'genders'} ({differ[c]:,} IDs)"
        for c in PERSON_ATTRIBUTES
        if c in differ
    )
    return (
        f"rows of {n_ids:,} customer IDs shared by people with different {what}: each person (ID + birth date + "
        f"gender) is its own customer, {n_persons:,} in all; the second and later are written 'ID#2', 'ID#3'"
    )


def split_persons_in_engine(engine, columns: Sequence[str], report: QualityReport) -> bool:
    """Make ``raw_input`` (``raw_file`` with person keys) and count the split IDs in ``report``.

    Returns whether any ID was split. Without a birth date or gender column nobody is split.
    """
    attributes = [c for c in PERSON_ATTRIBUTES if c in columns]
    if not attributes or "CustomerID" not in columns:
        engine.view("raw_input", "SELECT * FROM raw_file")
        return False
    engine.table("person_rows", person_rows_sql(columns))
    differ = ", ".join(f"COUNT(DISTINCT a{i}) AS d{i}" for i in range(len(attributes)))
    per_id = f"SELECT pid, MAX(persons) AS persons, COUNT(*) AS n, {differ} FROM person_rows GROUP BY pid"
    sums = ", ".join(f"SUM(CASE WHEN d{i} > 1 THEN 1 ELSE 0 END)" for i in range(len(attributes)))
    row = engine.rows(f"SELECT COUNT(*), SUM(persons), SUM(n), {sums} FROM ({per_id}) a")[0]
    n_ids = int(row[0])
    if not n_ids:
        engine.view("raw_input", "SELECT * FROM raw_file")
        return False
    engine.view("raw_input", split_sql(columns))
    counts = {c: int(row[3 + i]) for i, c in enumerate(attributes)}
    report.add("CustomerID", split_issue(n_ids, counts, int(row[1])), "fixed", int(row[2]))
    return True


def excluded_customers_sql() -> str:
    """Customers of ``tx_all`` (person keys, as clean_tx writes them) with no row kept, and their rows.

    A row without a usable customer ID (empty, 'nan') belongs to nobody: it is counted as a row without a
    customer ID, not as a customer here. Keyed as clean_tx is (stripped, cut to the longest kept text), so a
    customer with an over-long ID whose rows were kept is not counted as excluded.
    """
    # Such a customer has at least one excluded row, and excluded rows are few: only the customers of those rows
    # are grouped (a group per customer of all 12M rows cost 3 s; reading the input again and joining it to
    # clean_tx, 4.7 s).
    return """
        WITH dropped AS (
            SELECT DISTINCT cid_v FROM tx_all WHERE cid_v IS NOT NULL AND final_reason IS NOT NULL
        )
        SELECT COUNT(*), SUM(n) FROM (
            SELECT t.cid_v, COUNT(*) AS n FROM tx_all t JOIN dropped d ON t.cid_v = d.cid_v GROUP BY t.cid_v
            HAVING MAX(CASE WHEN t.final_reason IS NULL THEN 1 ELSE 0 END) = 0
        ) g
    """


def count_excluded_in_engine(engine, report: QualityReport) -> int:
    """Count in ``report`` the customers whose every row was excluded by cleaning; returns how many."""
    customers, rows = engine.rows(excluded_customers_sql())[0]
    if not customers:
        return 0
    report.add(
        "CustomerID",
        f"customers whose every row was excluded ({int(customers):,} customers, e.g. with only zero amounts): they "
        "are in no segment",
        "note",
        int(rows),
    )
    return int(customers)
