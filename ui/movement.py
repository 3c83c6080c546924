"""The Segment movement page's inputs: two periods of the active dataset, or two datasets of the same model."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.errors import DataError
from core.pipeline.lineage import datasets_of_model, model_identity
from core.pipeline.persistence import Artifacts
from core.present.markdown import escape_markdown
from core.present.movement_charts import period_label
from core.scoring.periods import FIXED_MODEL_NOTE, default_periods
from ui.cache import cached_options, cached_period, load_tables
from ui.state import active_dataset_name, dataset_folder

PERIODS, DATASETS = "Two periods of this dataset", "Two datasets scored with the same model"


def movement_inputs(
    artifacts: Artifacts, filters: Filters, view: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, str], tuple]:
    """The two segmented customer tables to compare (A, B), their labels and a cache key for both."""
    version = str(artifacts.folder)
    siblings = datasets_of_model(model_identity(artifacts.card))
    mode = st.radio("Compare", (PERIODS, DATASETS), horizontal=True, key="movement_mode")
    if mode == PERIODS:
        options = cached_options(version, artifacts.customers, artifacts.transactions)
        first, second = default_periods(options.date_min, options.date_max)
        left, right = st.columns(2)
        bounds = {"min_value": options.date_min, "max_value": options.date_max, "format": "DD/MM/YYYY"}
        pa = left.date_input("Period A", first, key="movement_period_a", **bounds)
        pb = right.date_input("Period B", second, key="movement_period_b", **bounds)
        if len(pa) != 2 or len(pb) != 2:
            st.info("Pick a start and an end date for both periods.", icon=":material/date_range:")
            st.stop()
        st.caption(FIXED_MODEL_NOTE + " Customers: the sidebar's selection.")
        labels = (period_label(*pa), period_label(*pb))
        try:
            a = cached_period(version, filters, pa[0], pa[1], artifacts, view)
            b = cached_period(version, filters, pb[0], pb[1], artifacts, view)
        except DataError as exc:
            st.info(escape_markdown(exc), icon=":material/event_busy:")
            st.stop()
        key = (version, filters, tuple(pa), tuple(pb))
    else:
        if len(siblings) < 2:
            st.info(
                "No other dataset holds segments of this model yet. Score new transactions with it, then pick both "
                f"here: `python -m core.score --model {active_dataset_name()} --input new.csv --out "
                "data/datasets/new-month`.",
                icon=":material/info:",
            )
            st.stop()
        left, right = st.columns(2)
        here = siblings.index(active_dataset_name()) if active_dataset_name() in siblings else 0
        first_name = left.selectbox("From dataset", siblings, here, key="movement_from")
        second_name = right.selectbox("To dataset", siblings, (here + 1) % len(siblings), key="movement_to")
        st.caption(
            "Both datasets were segmented by the same saved model (never refitted); customers are matched by ID. "
            "The sidebar's filters are not applied here: each dataset is taken whole."
        )
        pair = [load_tables(str(dataset_folder(n).resolve())) for n in (first_name, second_name)]
        a, b = pair[0].customers, pair[1].customers
        labels = (first_name, second_name)
        key = (str(pair[0].folder), str(pair[1].folder))
    return a, b, labels, key
