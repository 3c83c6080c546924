"""Segment-code plumbing: the ordered segment names of a frame, integer codes per row, codes back to a Categorical."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import DataError


def segment_names(frame: pd.DataFrame) -> list[str]:
    """All segment names in order: the Categorical's categories (kept after filtering), else sorted values."""
    if "segment" not in frame:
        raise DataError("the customers have no 'segment' column yet: train the segmentation first")
    seg = frame["segment"]
    if isinstance(seg.dtype, pd.CategoricalDtype):
        return [str(c) for c in seg.cat.categories]
    return sorted(map(str, seg.dropna().unique()))


def segment_codes(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Integer codes of each row's segment (-1 when missing) and the full ordered list of names."""
    names = segment_names(frame)
    seg = frame["segment"]
    if isinstance(seg.dtype, pd.CategoricalDtype):
        return seg.cat.codes.to_numpy().astype(np.int64), names
    return pd.Categorical(seg.astype(str).where(seg.notna()), categories=names).codes.astype(np.int64), names


def segment_column(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """Segment codes as an ordered Categorical over the full list of names."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=names, ordered=True)
