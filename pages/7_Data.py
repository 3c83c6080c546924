"""Bring your own data: upload transactions, map columns, check quality, train a named dataset, manage them."""

import streamlit as st

from core.config import MAX_K, MAX_UPLOAD_MB, MAX_UPLOAD_ROWS, MIN_K, RAW_COLUMNS, REQUIRED_COLUMNS
from core.errors import ArtifactError, DataError
from core.pipeline.datasets import check_upload, inspect_upload, left_out_features, new_dataset_name, train_upload
from core.pipeline.persistence import delete_dataset
from core.present.markdown import escape_markdown
from ui.page import open_page, switch_dataset
from ui.sidebar import sidebar_filters
from ui.state import active_dataset_name, available_datasets
from ui.training import training_progress

st.set_page_config(page_title="Data · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Your data", "Which data is the dashboard showing, and how do I bring my own transactions?")
sidebar_filters(artifacts)  # keeps the shared filters in the URL while on this page
FLASH_KEY = "data_page_message"
if FLASH_KEY in st.session_state:
    st.success(st.session_state.pop(FLASH_KEY), icon=":material/check_circle:")

st.subheader("1 · Upload transactions")
st.caption(
    f"CSV, .csv.gz or Parquet, up to {MAX_UPLOAD_MB} MB and {MAX_UPLOAD_ROWS:,} rows; separated by comma, "
    "semicolon or tab; UTF-8 or Latin-1. Required: customer id, transaction date (day first), amount. "
    "The file is processed in memory: nothing is saved until training succeeds."
)
upload = st.file_uploader("Transactions file", type=["csv", "gz", "parquet"], key="upload")
if upload is not None:
    data = upload.getvalue()
    try:
        preview = inspect_upload(data, upload.name)
    except DataError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    st.write(
        f"**{escape_markdown(upload.name)}**: {preview.n_rows:,} rows, {len(preview.columns)} columns. First rows:"
    )
    st.dataframe(preview.head, hide_index=True)

    st.subheader("2 · Match the columns")
    st.caption(
        "Suggested by name similarity. Optional columns can be left empty; what depends on them is left "
        "out, never invented."
    )
    choices = [None, *preview.columns]
    mapping = {}
    for col, target in zip(st.columns(3) * 3, RAW_COLUMNS, strict=False):
        suggestion = preview.suggestions.get(target)
        required = " (required)" if target in REQUIRED_COLUMNS else ""
        mapping[target] = col.selectbox(
            f"{target}{required}",
            choices,
            index=choices.index(suggestion),
            format_func=lambda c: "— not in this file —" if c is None else c,
            key=f"map_{target}",
        )
    for note in left_out_features(mapping):
        st.caption(note)

    st.subheader("3 · Check the data")
    try:
        clean, report = check_upload(data, upload.name, mapping)
    except DataError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    st.success(escape_markdown(report.summary()))
    st.dataframe(report.to_frame().rename(columns=str.capitalize), hide_index=True)

    st.subheader("4 · Train")
    with st.form("train"):
        name = st.text_input("Dataset name", value=upload.name.split(".")[0][:40], key="dataset_name")
        k = st.slider("Number of segments", MIN_K, MAX_K, 3, key="train_k")
        submitted = st.form_submit_button("Train segments and models", type="primary")
    if submitted:
        try:
            dataset = new_dataset_name(name)
            with training_progress(f"Training '{dataset}'…") as progress:
                train_upload(data, upload.name, mapping, dataset, k=k, progress=progress)
        except (DataError, ArtifactError) as exc:
            st.error(escape_markdown(str(exc)))
            st.stop()
        switch_dataset(dataset)
        st.session_state[FLASH_KEY] = f"Dataset '{dataset}' is ready and now active on every page."
        st.rerun()

st.subheader("Datasets")
datasets = available_datasets()
st.caption(f"Active on every page: **{active_dataset_name()}** (switch in the sidebar when there are several).")
st.dataframe(
    datasets,
    hide_index=True,
    column_config={
        "version": None,
        "name": "Name",
        "source": "Source file",
        "created": st.column_config.DatetimeColumn("Trained", format="D MMM YYYY, HH:mm"),
        "customers": st.column_config.NumberColumn("Customers", format="localized"),
    },
)
removable = [d["name"] for d in datasets if d["name"] != "default"]
if removable:
    with st.form("delete"):
        target = st.selectbox("Delete a dataset", removable, key="delete_name")
        sure = st.checkbox("Yes, delete it with its models (this cannot be undone)", key="delete_confirm")
        if st.form_submit_button("Delete"):
            if not sure:
                st.warning("Tick the box to confirm.")
            else:
                delete_dataset(target)
                switch_dataset("default")
                st.rerun()
