"""Streamlit glue of the model pages (lookup, what-if): feature inputs, results, batch scoring, one customer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import DataError
from core.pipeline.features import FEATURES
from core.pipeline.models import Models
from core.present.formats import format_inr, format_inr_short, format_share, format_value
from core.present.markdown import escape_markdown
from core.present.model_charts import probability_bar
from core.present.prospect_report import chance_label, describe_lift, describe_prospect_quality
from core.present.score_text import describe_prospect_guess
from core.scoring.lookup import describe_scored, reason_table, segment_fit_table
from core.scoring.lookup import scores_table as readable_scores
from core.scoring.score import predict_prospect, segment_probabilities
from core.scoring.whatif import InputField
from ui.cache import cached_score_upload
from ui.tables import show_scored
from ui.widgets import download_csv, segment_heading


def feature_inputs(fields: list[InputField], key_prefix: str, n_columns: int = 3) -> dict[str, object]:
    """One input per field; returns name -> value. Money from 1 lakh up is repeated in lakh or crore below it."""
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
            value = values[field.name]
            if FEATURES[field.name].kind == "money" and value is not None and abs(value) >= 1e5:
                col.caption(f"= {format_inr_short(value)}")  # the box shows every digit; say it in lakh or crore
    return values


def lookup_columns(filtered: bool = False) -> list[str]:
    """The columns the lookup summary shows, few enough to fit a 1,400 px screen (the download has them all)."""
    columns = ["CustomerID", "segment", "borderline", "stands_out", "agreement", "closest_other", "balance"]
    return [*columns, "mean_amount", "in_filters"] if filtered else [*columns, "mean_amount"]


def customer_details(models: Models, row: pd.Series, names: list[str] | tuple[str, ...]) -> None:
    """One looked-up customer: key features, probability and distance per segment, what sets them apart."""
    cols = st.columns(5)
    for col, name in zip(cols, ("balance", "mean_amount", "total_amount", "n_transactions", "age"), strict=True):
        exact = f" This customer: {format_inr(row[name])}." if FEATURES[name].kind == "money" else ""
        col.metric(FEATURES[name].label, format_value(name, row[name]), help=FEATURES[name].description + exact)
    st.caption(
        f"{format_value('gender', row['gender'])} · {escape_markdown(format_value('location', row['location']))} · "
        f"last transaction {format_value('recency_days', row['recency_days'])} before the end of the data"
    )
    # Widths set so both tables fit side by side beside the sidebar on a 1,400 px screen, "vs typical" uncut.
    left, right = st.columns([1, 2])
    left.markdown("**Fit with each segment**")
    left.dataframe(
        segment_fit_table(row, names),
        hide_index=True,
        column_config={
            "Segment": st.column_config.TextColumn(width=70),
            "Probability": st.column_config.ProgressColumn(
                "Classifier's probability",
                width=135,
                format="percent",
                min_value=0.0,
                max_value=1.0,
                help="How likely the classifier finds each segment for this customer.",
            ),
            "Distance to centre": st.column_config.NumberColumn(
                "Distance",
                width=75,
                format="%.2f",
                help="Distance to the segment's centre in the segmentation's units; the smallest wins.",
            ),
        },
    )
    right.markdown("**Why this segment, and what stands out**")
    right.dataframe(
        reason_table(models, row),
        hide_index=True,
        column_config={
            "Feature": st.column_config.TextColumn(width=128),
            "This customer": st.column_config.TextColumn("This customer", width=95),
            "Typical customer": st.column_config.TextColumn("Typical", width=75),
            "vs typical": st.column_config.TextColumn(
                width=230,
                help="Compared with the typical (median) customer of the whole base: money and counts as a "
                "multiple, shares in percentage points, hours in hours; equal values read 'same as typical'.",
            ),
            "Decides the segment": st.column_config.CheckboxColumn(
                "Decides",
                width=60,
                help="Balance and average transaction decide the segment (K-Means on their budget score). Ticked: this "
                "feature pulls the customer into their segment rather than the next closest one; the strongest first.",
            ),
        },
    )


def prospect_result(models: Models, row: pd.DataFrame, prospect_quality: dict) -> None:
    """A prospect's most likely segment, how sure the prospect model is, and every segment's probability."""
    names = list(models.segment_names)
    guess = predict_prospect(models, row).iloc[0]
    left, right = st.columns([1, 2])
    with left:
        segment_heading(str(guess["predicted_segment"]), names, prefix="Most likely segment: ")
        best = str(guess["predicted_segment"])
        st.metric(
            chance_label(prospect_quality),
            format_share(guess[f"p_{best}"]),
            help="The prospect model's estimated chance of its most likely segment. Calibrated on held-back "
            f"customers: of 100 prospects given this chance, about that many are {best}.",
            border=True,
        )
        st.caption(describe_prospect_guess(segment_probabilities(guess, names)))
        st.success(describe_lift(prospect_quality, best), icon=":material/filter_list:")
        st.info(describe_prospect_quality(prospect_quality), icon=":material/info:")
    right.plotly_chart(probability_bar(segment_probabilities(guess, names), names), key="prospect_probabilities")


def batch_scoring(models: Models, version: str) -> None:
    """Upload a file of customers or transactions, score it (cached per file), show and offer the result."""
    names = list(models.segment_names)
    st.subheader("Score a file of customers")
    st.caption(
        "A CSV (or .csv.gz / Parquet) of customer features (columns named like the app's downloads, e.g. "
        "'Account balance (INR)', or balance, mean_amount, total_amount…) or of raw transactions (the bank's "
        "export schema). Each customer gets the exact segment and, when the file has every feature the classifier "
        "uses, the classifier's probabilities."
    )
    upload = st.file_uploader("Customers or transactions file", type=["csv", "gz", "parquet"], key="batch_upload")
    if upload is not None:
        try:
            batch = cached_score_upload(version, upload.getvalue(), upload.name, models)
        except DataError as exc:
            st.error(f"This file can't be scored: {escape_markdown(exc)}")
            st.stop()
        if batch.attrs.get("probabilities_withheld"):
            st.warning(describe_scored(batch, names), icon=":material/rule:")
        else:
            st.success(describe_scored(batch, names), icon=":material/task_alt:")
        show_scored(batch, names)
        download_csv(
            lambda: readable_scores(batch),
            f"scored_{upload.name.split('.')[0]}",
            None,
            key="batch_download",
            label="Download the scored file (CSV)",
            as_customers=False,
            rows=len(batch),
        )
