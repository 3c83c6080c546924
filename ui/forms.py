"""Streamlit glue of the model pages (lookup, what-if): feature inputs, score tables, one customer's details."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.pipeline.features import FEATURES, feature_label
from core.pipeline.models import Models
from core.present.charts import segment_colour_map
from core.present.markdown import escape_markdown
from core.scoring.lookup import KEY_FEATURES, SCORE_LABELS, format_value, reason_table, segment_fit_table
from core.scoring.whatif import InputField

MAX_SHOWN_ROWS = 1_000  # rows of a scored upload shown in the page (the download has all)
NUMBER_FORMATS = {
    "money": "₹%,.0f",
    "count": "%,d",
    "days": "%d days",
    "hour": "%.1f",
    "share": "percent",
    "years": "%d",
}


def feature_inputs(fields: list[InputField], key_prefix: str, n_columns: int = 3) -> dict[str, object]:
    """One input per field (inside a form: nothing reruns until it is submitted); returns name -> value."""
    values = {}
    columns = st.columns(n_columns)
    for i, field in enumerate(fields):
        col = columns[i % n_columns]
        key = f"{key_prefix}_{field.name}"
        if field.is_choice:
            labels = dict(field.option_labels)
            values[field.name] = col.selectbox(
                field.label,
                field.options,
                index=field.options.index(field.default),
                format_func=lambda o, labels=labels: labels.get(o, o),
                key=key,
                help=field.help,
            )
        else:
            values[field.name] = col.number_input(
                field.label,
                min_value=field.min_value,
                max_value=field.max_value,
                value=field.default,
                step=field.step,
                key=key,
                help=field.help,
                placeholder="unknown",
                format="%d" if field.is_integer else ("%.2f" if field.step < 1 else "%.0f"),
            )
    return values


def score_column_config(names: list[str] | tuple[str, ...]) -> dict:
    """Column headers, formats and tooltips for tables of customers with scores (lookup, batch scoring)."""
    config: dict = {
        "CustomerID": st.column_config.TextColumn("Customer ID", pinned=True),
        "segment": st.column_config.TextColumn("Segment", help="Budget segment (exact K-Means)."),
    }
    for name, feature in FEATURES.items():
        fmt = NUMBER_FORMATS.get(feature.kind)
        help_text = feature.description
        if fmt is None:
            config[name] = st.column_config.TextColumn(feature_label(name), help=help_text)
        else:
            config[name] = st.column_config.NumberColumn(feature_label(name), help=help_text, format=fmt)
    for name in names:
        config[f"p_{name}"] = st.column_config.ProgressColumn(
            f"P({name})",
            format="percent",
            min_value=0.0,
            max_value=1.0,
            help=f"How likely the classifier finds it that this customer is {name}.",
        )
        config[f"distance_{name}"] = st.column_config.NumberColumn(
            f"Distance to {name}",
            format="%.2f",
            help=f"Distance to the centre of {name} in the segmentation's units (log money, standardised): "
            "the smallest distance decides the segment.",
        )
    config["in_filters"] = st.column_config.CheckboxColumn(
        SCORE_LABELS["in_filters"], help="Whether this customer matches the sidebar filters."
    )
    config["stands_out"] = st.column_config.TextColumn(
        SCORE_LABELS["stands_out"],
        width=300,
        help="Features at least one standard deviation away from the typical customer (money on a log scale).",
    )
    config["closest_other"] = st.column_config.TextColumn(
        SCORE_LABELS["closest_other"],
        help="The segment whose centre is next closest: where a change would move this customer first.",
    )
    config["first_date"] = st.column_config.DateColumn("First transaction", format="DD/MM/YYYY")
    config["last_date"] = st.column_config.DateColumn("Last transaction", format="DD/MM/YYYY")
    return config


def lookup_columns(names: list[str] | tuple[str, ...]) -> list[str]:
    """The columns the lookup table shows first (the download has them all)."""
    return [
        "CustomerID",
        "segment",
        "stands_out",
        *[f"p_{n}" for n in names],
        "closest_other",
        *KEY_FEATURES,
        "in_filters",
    ]


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


def customer_details(models: Models, row: pd.Series, names: list[str] | tuple[str, ...]) -> None:
    """One looked-up customer: key features, probability and distance per segment, what sets them apart."""
    cols = st.columns(5)
    for col, name in zip(cols, ("balance", "mean_amount", "total_amount", "n_transactions", "age"), strict=True):
        col.metric(FEATURES[name].label, format_value(name, row[name]), help=FEATURES[name].description)
    st.caption(
        f"{format_value('gender', row['gender'])} · {escape_markdown(format_value('location', row['location']))} · "
        f"last transaction {format_value('recency_days', row['recency_days'])} before the end of the data"
    )
    left, right = st.columns(2)
    left.markdown("**Fit with each segment**")
    left.dataframe(
        segment_fit_table(row, names),
        hide_index=True,
        column_config={
            "Probability": st.column_config.ProgressColumn(
                "Classifier's probability",
                format="percent",
                min_value=0.0,
                max_value=1.0,
                help="How likely the classifier finds each segment for this customer.",
            ),
            "Distance to centre": st.column_config.NumberColumn(
                format="%.2f", help="Distance to the segment's centre in the segmentation's units; the smallest wins."
            ),
        },
    )
    right.markdown("**What sets this customer apart**")
    right.dataframe(
        reason_table(models, row),
        hide_index=True,
        column_config={
            "vs typical": st.column_config.TextColumn(
                help="Compared with the typical (median) customer of the whole base; money compared on a log scale."
            )
        },
    )
