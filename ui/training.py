"""Stage-by-stage training progress in a status box."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.pipeline.train import STAGE_LABELS, STAGES, Progress


@contextmanager
def training_progress(label: str) -> Iterator[Progress]:
    """A status box with a progress bar; yields the callback to pass to training."""
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text="Starting…")

        def progress(stage: str, seconds: float | None) -> None:
            done = STAGES.index(stage) + (seconds is not None)
            text = STAGE_LABELS[stage] + (f" ✓ {seconds:.1f} s" if seconds is not None else "…")
            bar.progress(done / len(STAGES), text=text)
            if seconds is not None:
                st.write(text)

        try:
            yield progress
        except Exception:
            status.update(label="Training stopped: nothing was changed", state="error")
            raise
        status.update(label="Training finished", state="complete", expanded=False)
