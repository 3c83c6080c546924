"""The Data page's sections: upload and train, train a file from the server folders, and the dataset list."""

from __future__ import annotations

import streamlit as st

from core.config import (
    DATASETS_DIR,
    MAX_K,
    MAX_UPLOAD_MB,
    MAX_UPLOAD_ROWS,
    MIN_K,
    RAW_COLUMNS,
    REQUIRED_COLUMNS,
    SERVER_INPUT_DIRS,
)
from core.errors import ArtifactError, DataError
from core.pipeline.datasets import check_upload, inspect_upload, left_out_features, new_dataset_name, train_upload
from core.pipeline.inbox import list_server_inputs, resolve_server_input
from core.pipeline.persistence import delete_dataset
from core.pipeline.train import run_training
from core.present.formats import format_bytes
from core.present.markdown import escape_markdown
from ui.page import switch_dataset
from ui.state import active_dataset_name, available_datasets
from ui.training import training_progress

FLASH_KEY = "data_page_message"


def show_flash() -> None:
    """The message a finished training left for the next run of the page."""
    if FLASH_KEY in st.session_state:
        st.success(st.session_state.pop(FLASH_KEY), icon=":material/check_circle:")


def _train_form(key: str, default_name: str, prefix: str = "") -> tuple[bool, str, int]:
    """Dataset name, number of segments and the train button (widget keys start with `prefix`)."""
    with st.form(key):
        name = st.text_input("Dataset name", value=default_name[:40], key=f"{prefix}dataset_name")
        k = st.slider("Number of segments", MIN_K, MAX_K, 3, key=f"{prefix}train_k")
        submitted = st.form_submit_button("Train segments and models", type="primary")
    return submitted, name, k


def _train_and_switch(name: str, train) -> None:
    """Train under a progress box, then make the new dataset active (errors shown in one line)."""
    try:
        dataset = new_dataset_name(name)
        with training_progress(f"Training '{dataset}'…") as progress:
            train(dataset, progress)
    except (DataError, ArtifactError) as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    except MemoryError:
        st.error("The file is too large for this server's memory: train it from the command line (see the README).")
        st.stop()
    switch_dataset(dataset)
    st.session_state[FLASH_KEY] = f"Dataset '{dataset}' is ready and now active on every page."
    st.rerun()


def upload_section() -> None:
    """Upload a file, match its columns, check it, train it."""
    st.subheader("1 · Upload transactions")
    st.caption(
        f"CSV, .csv.gz or Parquet, up to {MAX_UPLOAD_MB} MB and {MAX_UPLOAD_ROWS:,} rows; separated by comma, "
        "semicolon or tab; UTF-8 or Latin-1. Required: customer id, transaction date (day first), amount. "
        "The file is processed in memory: nothing is saved until training succeeds. Bigger files: see "
        "'Train a file on the server' below."
    )
    upload = st.file_uploader("Transactions file", type=["csv", "gz", "parquet"], key="upload")
    if upload is None:
        return
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
        "Suggested by name similarity. Optional columns can be left empty; what depends on them is left out, never "
        "invented."
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
        _, report = check_upload(data, upload.name, mapping)
    except DataError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    st.success(escape_markdown(report.summary()))
    st.dataframe(report.to_frame().rename(columns=str.capitalize), hide_index=True)

    st.subheader("4 · Train")
    submitted, name, k = _train_form("train", upload.name.split(".")[0])
    if submitted:
        _train_and_switch(
            name, lambda dataset, progress: train_upload(data, upload.name, mapping, dataset, k=k, progress=progress)
        )


def server_section() -> None:
    """Train a file the operator put in a server folder (bigger than an upload; no path typed in the browser)."""
    st.subheader("Train a file on the server")
    folders = ", ".join(str(root) for root in SERVER_INPUT_DIRS) or "(none configured)"
    st.caption(
        "For files bigger than an upload. The server's operator copies them into a server folder "
        "(set by SEGMENTATION_SERVER_INPUTS; now: "
        f"{escape_markdown(folders)}); they appear here. Columns must have the public dataset's names or the "
        "usual variants. Very large files train faster from the command line: "
        "`python -m core.train --input FILE --out data/datasets/NAME`."
    )
    inputs = list_server_inputs()
    if not inputs:
        st.info("No transactions file (.csv, .csv.gz, .parquet) in the server folders yet.", icon=":material/inbox:")
        return
    labels = {
        item.name: f"{item.name} · {format_bytes(item.size_bytes)} · {item.modified:%d %b %Y %H:%M} UTC"
        for item in inputs
    }
    choice = st.selectbox("File", list(labels), format_func=labels.get, key="server_input")
    submitted, name, k = _train_form("train_server", choice.split("/")[-1].split(".")[0], "server_")
    if submitted:
        item = resolve_server_input(choice)  # checked again: the folder may have changed since the page listed it

        def train(dataset: str, progress) -> None:
            run_training(item.path, DATASETS_DIR / dataset, k=k, progress=progress)

        _train_and_switch(name, train)


def datasets_section() -> None:
    """The trained datasets, which is active, and deleting one after confirmation."""
    st.subheader("Datasets")
    datasets = available_datasets()
    st.caption(
        f"Active on every page: **{escape_markdown(active_dataset_name())}** (switch in the sidebar when there "
        "are several)."
    )
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
    if not removable:
        return
    with st.form("delete"):
        target = st.selectbox("Delete a dataset", removable, key="delete_name")
        sure = st.checkbox("Yes, delete it with its models (this cannot be undone)", key="delete_confirm")
        if st.form_submit_button("Delete"):
            if not sure:
                st.warning("Tick the box to confirm.")
            else:
                try:
                    delete_dataset(target)
                except DataError as exc:
                    st.error(escape_markdown(exc))
                else:
                    switch_dataset("default")
                    st.rerun()
