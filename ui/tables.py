"""Tables of customers in the page: one column-config builder for every table, customer lists, scored tables.

Headers and number formats come from core.present.formats (one format per feature kind), so a column reads
the same in every table, chart and download.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.analysis.rfm import RFM_LABELS
from core.config import MAX_SHOWN_ROWS
from core.pipeline.features import FEATURES
from core.pipeline.quality import QualityReport
from core.pipeline.rfm import SCORE_COLUMNS, SEGMENT_COLUMN
from core.present.export import customer_table
from core.present.figures import segment_colour_map
from core.present.formats import format_count, header, kind_format
from ui.widgets import kpi_row

DATE_FORMAT = "D MMM YYYY"
DATE_HELP = {
    "first_date": "Date of the customer's first transaction.",
    "last_date": "Date of the customer's latest transaction.",
}
ACTIONS = {  # what each action of the quality report means, for the table's tooltip
    "fixed": "fixed = the value was corrected or set to unknown; the row was kept",
    "excluded": "excluded = the row was left out of the analysis",
    "flagged": "flagged = kept as it is, but worth knowing",
    "note": "note = about the file as a whole",
}
TABLE_HEIGHT = 320  # about ten rows: enough to check a list, the download has everyone


def feature_column_config(by_header: bool) -> dict[str, Any]:
    """The one column-config builder: a column per catalogue feature, keyed by its header (customer lists) or
    by its name (scored tables), with the feature kind's format and the catalogue description as tooltip."""
    config: dict[str, Any] = {}
    for name, feature in FEATURES.items():
        fmt = kind_format(name).table
        column = st.column_config.NumberColumn if fmt else st.column_config.TextColumn
        label = {} if by_header else {"label": header(name)}
        config[header(name) if by_header else name] = column(
            help=feature.description, **label, **({"format": fmt} if fmt else {})
        )
    for name, help_text in DATE_HELP.items():
        label = {} if by_header else {"label": header(name)}
        config[header(name) if by_header else name] = st.column_config.DateColumn(
            format=DATE_FORMAT, help=help_text, **label
        )
    customer = {} if by_header else {"label": header("CustomerID")}
    config[header("CustomerID") if by_header else "CustomerID"] = st.column_config.TextColumn(pinned=True, **customer)
    return config


def _customer_column_config() -> dict[str, Any]:
    """Column settings for present.export.customer_table (columns named by their readable headers)."""
    config = feature_column_config(by_header=True)
    config[RFM_LABELS[SEGMENT_COLUMN]] = st.column_config.TextColumn(help="Named segment of the R × F grid.")
    for name in SCORE_COLUMNS:
        config[RFM_LABELS[name]] = st.column_config.NumberColumn(format="%d", help="1 (worst) to 5 (best) quintile.")
    return config


def show_customers(customers: pd.DataFrame) -> None:
    """A customer list with readable headers, rupee formats and a tooltip per column (pass ≤ ~20,000 rows)."""
    st.dataframe(
        customer_table(customers),
        hide_index=True,
        column_config=_customer_column_config(),
        height=TABLE_HEIGHT,
        placeholder="–",
    )


def score_column_config(names: list[str] | tuple[str, ...]) -> dict:
    """Column headers, formats and tooltips for tables of customers with scores (lookup, batch scoring)."""
    config = feature_column_config(by_header=False)
    config["segment"] = st.column_config.TextColumn(header("segment"), help="Budget segment (exact K-Means).")
    for name in names:
        config[f"p_{name}"] = st.column_config.ProgressColumn(
            f"Classifier P({name})",
            format="percent",
            min_value=0.0,
            max_value=1.0,
            help=f"How likely the classifier (a Random Forest trained to mimic the segments) finds it that this "
            f"customer is {name}. The segment column itself is the exact K-Means assignment.",
        )
        config[f"distance_{name}"] = st.column_config.NumberColumn(
            f"Distance to {name}",
            format="%.2f",
            help=f"Distance to the centre of {name} in the segmentation's units (log money, standardised): "
            "the smallest distance decides the segment.",
        )
    config["in_filters"] = st.column_config.CheckboxColumn(
        header("in_filters"), help="Whether this customer matches the sidebar filters."
    )
    config["stands_out"] = st.column_config.TextColumn(
        header("stands_out"),
        width=330,
        help="First the features that decide the segment (balance and average transaction: the one that "
        "pulls hardest first), then others that differ from the typical customer; equal values are never listed.",
    )
    config["agreement"] = st.column_config.ProgressColumn(
        header("agreement"),
        format="percent",
        min_value=0.0,
        max_value=1.0,
        help="The classifier's probability for the customer's own segment (the segment itself is exact K-Means). "
        "Low values mean the customer sits near a boundary.",
    )
    config["boundary"] = st.column_config.TextColumn(
        header("boundary"),
        help="Set when the next closest segment centre is at most 10% further than the customer's own: a small "
        "change in balance or spending would move them across.",
    )
    config["closest_other"] = st.column_config.TextColumn(
        header("closest_other"),
        help="The segment whose centre is next closest: where a change would move this customer first.",
    )
    return config


def lookup_column_config(names: list[str] | tuple[str, ...], filtered: bool = False) -> dict:
    """score_column_config with short headers and set widths for the lookup summary: it fits a 1,400 px screen
    (about 940 px beside the sidebar), also with the 'In filters' column that active filters add."""
    config = score_column_config(names)
    widths = {"CustomerID": 95, "segment": 70, "borderline": 85, "stands_out": 215 if filtered else 290}
    widths |= {"agreement": 110, "closest_other": 90, "balance": 90, "mean_amount": 105, "in_filters": 75}
    config["balance"] = st.column_config.NumberColumn(
        "Balance", format="₹%,.0f", help=FEATURES["balance"].description + " In rupees."
    )
    config["mean_amount"] = st.column_config.NumberColumn(
        "Avg transaction", format="₹%,.0f", help=FEATURES["mean_amount"].description + " In rupees."
    )
    config["closest_other"] = st.column_config.TextColumn(
        "Next closest", help="The segment whose centre is next closest: where a change would move this customer first."
    )
    config["borderline"] = st.column_config.CheckboxColumn(
        header("borderline"),
        help="Ticked when the next closest segment centre is at most 10% further than the customer's own: a small "
        "change in balance or spending would move them across (the details below say between which segments).",
    )
    config["in_filters"] = st.column_config.CheckboxColumn(
        "In filters", help="Whether this customer matches the sidebar filters (the lookup searches everyone)."
    )
    return {name: {**column, "width": widths[name]} if name in widths else column for name, column in config.items()}


def show_scored(scored: pd.DataFrame, names: list[str] | tuple[str, ...], max_rows: int = MAX_SHOWN_ROWS) -> None:
    """A scored upload: ID, segment and probabilities first, then the file's own columns; capped in the page."""
    first = [c for c in ("CustomerID", "segment", *[f"p_{n}" for n in names]) if c in scored]
    order = first + [c for c in scored.columns if c not in first]
    st.dataframe(
        coloured_segments(scored.head(max_rows), names),
        hide_index=True,
        column_order=order,
        column_config=score_column_config(names),
        placeholder="–",
    )
    if len(scored) > max_rows:
        st.caption(f"Showing the first {max_rows:,} of {len(scored):,} rows; the download has them all.")


def coloured_segments(table: pd.DataFrame, names: list[str] | tuple[str, ...]):
    """The table with each segment name written in its segment colour (a pandas Styler)."""
    colours = segment_colour_map(names)
    return table.style.map(lambda v: f"color: {colours.get(str(v), 'inherit')}; font-weight: 600", subset=["segment"])


def show_quality_report(report: QualityReport) -> None:
    """The data-quality report: rows read, kept and excluded, every fix with its count, and a copyable summary."""
    kpi_row(
        [
            ("Rows read", format_count(report.rows_in), "Transactions in the file used for training."),
            ("Rows kept", format_count(report.rows_out), "Transactions used to describe customers."),
            ("Rows excluded", format_count(report.rows_excluded), "Rows left out, for the reasons below."),
        ]
    )
    st.caption(
        "What cleaning did to the whole training file (the filters don't apply here). Point at *Action* "
        "for what each action means."
    )
    st.dataframe(
        report.to_frame(),
        hide_index=True,
        column_config={
            "column": st.column_config.TextColumn("Column in the file", help="Column of the uploaded transactions."),
            "issue": st.column_config.TextColumn("What was found and done", width="large"),
            "action": st.column_config.TextColumn("Action", help="; ".join(ACTIONS.values())),
            "count": st.column_config.NumberColumn("Rows", format="%,d", help="Transactions affected."),
        },
    )
    with st.expander("The same as one paragraph, to copy into a report"):
        st.code(report.summary(), language=None, wrap_lines=True)


def per_class_config() -> dict[str, Any]:
    """Column configs of a classifier's per-segment precision, recall and F1 table."""
    return {
        "Precision": st.column_config.NumberColumn(
            format="percent", help="Of the customers the model puts in this segment, the share that really are in it."
        ),
        "Recall": st.column_config.NumberColumn(
            format="percent", help="Of the customers really in this segment, the share the model finds."
        ),
        "F1": st.column_config.NumberColumn(format="%.3f", help="Balance of precision and recall (1 is perfect)."),
        "Customers": st.column_config.NumberColumn(format="%,d", help="Held-out customers of this segment."),
    }


def ranking_config() -> dict[str, Any]:
    """Column configs of the prospect model's ranking table (AUC, top-10% lift, mean chance, share)."""
    return {
        "AUC": st.column_config.NumberColumn(
            format="%.2f",
            help="Chance that a random member of the segment gets a higher estimated chance than a random "
            "non-member (0.5 = no better than a coin).",
        ),
        "Top-10% lift": st.column_config.NumberColumn(
            format="%.2f×", help="Members among the 10% rated most likely, divided by members in a random 10%."
        ),
        "Mean chance": st.column_config.NumberColumn(format="percent", help="Average estimated chance of the segment."),
        "Share": st.column_config.NumberColumn(
            format="percent", help="True share of the segment (calibrated chances average to it)."
        ),
    }
