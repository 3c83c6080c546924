"""Map selections as regions: every customer of a view inside a box or lasso drawn on the Segment map.

The map draws a sample, but a box or lasso means the region, not the sampled points. A region is a pure
predicate on the two plotted coordinates of a customer: the feature values (on log axes compared as
log10, as plotly draws them) or the principal-component coordinates of core.analysis.projection. So the same test
runs over every customer of the view, and can later become a SQL `WHERE` clause.

Streamlit hands back a selection as `{"box": [{"x": [x0, x1], "y": [y0, y1]}], "lasso": [{"x": [...],
"y": [...]}], "points": [...]}`, coordinates in data units even on log axes (checked in headless Chromium).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.projection import fit_projection, project
from core.analysis.sampling import sample_customers
from core.analysis.segments import segment_codes
from core.analysis.selection import describe_counts
from core.present.formats import format_count


@dataclass(frozen=True)
class MapAxes:
    """The two plotted coordinates: column names of the frame and whether each axis is logarithmic."""

    x: str
    y: str
    log_x: bool = False
    log_y: bool = False


@dataclass(frozen=True)
class Region:
    """Boxes (x0, x1, y0, y1) and lasso polygons ((x...), (y...)) in data units; a customer in any of them is in."""

    boxes: tuple[tuple[float, float, float, float], ...] = ()
    lassos: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing is drawn."""
        return not self.boxes and not self.lassos

    @property
    def shape_word(self) -> str:
        """'box', 'lasso' or 'selection' (several shapes), for sentences."""
        if len(self.boxes) + len(self.lassos) != 1:
            return "selection"
        return "box" if self.boxes else "lasso"


def _numbers(values: object) -> tuple[float, ...] | None:
    """A tuple of finite floats, or None when any value is missing or not a number."""
    try:
        out = tuple(float(v) for v in values)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return out if out and all(math.isfinite(v) for v in out) else None


def region_from_selection(selection: Mapping | None) -> Region:
    """The region of a Streamlit plotly selection (event.selection); shapes that can't be read are ignored."""
    boxes, lassos = [], []
    for shape in (selection or {}).get("box") or []:
        xs, ys = _numbers(shape.get("x") or ()), _numbers(shape.get("y") or ())
        if xs and ys and len(xs) >= 2 and len(ys) >= 2:
            boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for shape in (selection or {}).get("lasso") or []:
        xs, ys = _numbers(shape.get("x") or ()), _numbers(shape.get("y") or ())
        if xs and ys and len(xs) == len(ys) and len(xs) >= 3:
            lassos.append((xs, ys))
    return Region(tuple(boxes), tuple(lassos))


def axis_coordinates(values: np.ndarray, log: bool) -> tuple[np.ndarray, np.ndarray]:
    """Positions along an axis (log10 on a log axis) and which values can be drawn (finite, > 0 on log)."""
    v = np.asarray(values, dtype="float64")
    ok = np.isfinite(v) & ((v > 0) if log else True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = np.log10(np.where(ok, v, 1.0)) if log else np.where(ok, v, 0.0)
    return pos, ok


def _to_axis(values: Sequence[float], log: bool) -> np.ndarray:
    """Shape vertices on the axis scale (a non-positive vertex on a log axis sits at the far left/bottom)."""
    v = np.asarray(values, dtype="float64")
    return np.log10(np.clip(v, 1e-300, None)) if log else v


def _in_polygon(px: np.ndarray, py: np.ndarray, vx: np.ndarray, vy: np.ndarray) -> np.ndarray:
    """Even-odd rule: is each point inside the closed polygon (vertices vx, vy)? Vectorised over points."""
    inside = np.zeros(len(px), dtype=bool)
    for i in range(len(vx)):
        x1, y1, x2, y2 = vx[i - 1], vy[i - 1], vx[i], vy[i]
        if y1 == y2:
            continue  # a horizontal edge never crosses the ray
        crosses = (py >= min(y1, y2)) & (py < max(y1, y2))
        x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (px < x_at)
    return inside


def inside_region(x: np.ndarray, y: np.ndarray, region: Region, log_x: bool = False, log_y: bool = False) -> np.ndarray:
    """Boolean mask: which (x, y) points, in data units, lie in the region as it is drawn on these axes."""
    px, ok_x = axis_coordinates(x, log_x)
    py, ok_y = axis_coordinates(y, log_y)
    ok = ok_x & ok_y
    mask = np.zeros(len(px), dtype=bool)
    for x0, x1, y0, y1 in region.boxes:
        ax0, ax1 = _to_axis((x0, x1), log_x)
        ay0, ay1 = _to_axis((y0, y1), log_y)
        mask |= (px >= ax0) & (px <= ax1) & (py >= ay0) & (py <= ay1)
    for xs, ys in region.lassos:
        vx, vy = _to_axis(xs, log_x), _to_axis(ys, log_y)
        near = ~mask & (px >= vx.min()) & (px <= vx.max()) & (py >= vy.min()) & (py <= vy.max())
        rows = np.flatnonzero(near)  # the polygon test only runs on points inside its bounding box
        mask[rows] = _in_polygon(px[rows], py[rows], vx, vy)
    return mask & ok


def region_mask(frame: pd.DataFrame, axes: MapAxes, region: Region) -> np.ndarray:
    """Which rows of `frame` (a view, or its Projection coordinates) lie inside the region on these axes."""
    if region.is_empty or frame.empty:
        return np.zeros(len(frame), dtype=bool)
    return inside_region(
        frame[axes.x].to_numpy(dtype="float64"), frame[axes.y].to_numpy(dtype="float64"), region, axes.log_x, axes.log_y
    )


PCA_AXES = MapAxes("PC1", "PC2")  # the main-directions view: plain (linear) component coordinates


def customers_in_region(view: pd.DataFrame, axes: MapAxes, region: Region, sample_size: int) -> pd.DataFrame:
    """Every customer of the view inside the region, in the view's order.

    On two features the test runs on the view itself. On the main directions (`PCA_AXES`) the components are
    fitted on the same stratified sample of `sample_size` the map draws, then applied to every customer.
    """
    if axes.x in view and axes.y in view:
        return view[region_mask(view, axes, region)]
    sample = sample_customers(view, sample_size)
    coordinates = project(view, fit_projection(sample, n_components=2))
    return view[region_mask(coordinates, axes, region)]


def describe_region(selected: pd.DataFrame, drawn: int, region: Region) -> str:
    """'18,329 customers inside the box: Low 12 (0%), ... 424 of them are drawn on the map, a sample.'"""
    codes, names = segment_codes(selected)
    counts = np.bincount(codes[codes >= 0], minlength=len(names))
    return describe_region_counts(pd.Series(counts, index=names), drawn, region)


def describe_region_counts(counts: pd.Series, drawn: int, region: Region) -> str:
    """describe_region from the customers per segment inside the region (index: every segment name, in order)."""
    where = f"inside the {region.shape_word}"
    n = int(counts.sum())
    if n == 0:
        return f"No customer {where}."
    text = describe_counts(counts, n).replace(" selected:", f" {where}:", 1).replace(" selected.", f" {where}.", 1)
    if drawn < n:
        text += (
            f" {format_count(drawn)} of them {'is' if drawn == 1 else 'are'} drawn on the map (a sample); the list "
            "and the download have all of them."
        )
    return text
