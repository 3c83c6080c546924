"""A box or lasso drawn on the Segment map as a WHERE clause: every customer of the view inside it, by the engine.

The test is analysis.region's, written as SQL: a customer's two plotted coordinates (a feature's value, log10 of
it on a log axis, or a principal-component coordinate of the projection fitted on the map's own sample) lie in
a box, or inside a lasso polygon by the even-odd rule (the number of polygon edges a ray to the left crosses is
odd), with each edge's crossing computed in the same order of operations as the numpy test. Every vertex and
coefficient travels as a bound parameter. Counts, the preview list and the download all use the same clause, so a
list is exactly the customers the count claims.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.analysis.filters import Filters
from core.analysis.projection import fit_projection
from core.analysis.region import MapAxes, Region
from core.analysis.sql.export import read_customers
from core.analysis.sql.predicates import Predicate, filters_predicate
from core.analysis.sql.sample import sample_view, sample_where
from core.analysis.sql.source import ROW_COLUMN, VersionSource
from core.pipeline.features import MONEY_FEATURES, NUMERIC_FEATURES

NOWHERE = Predicate("FALSE")


def _known(column: str) -> str:
    return f"coalesce(isfinite({column}::DOUBLE), false)"


def _feature_axis(column: str, log: bool) -> tuple[str, str]:
    """(position on the axis, can it be drawn) of a feature column: log10 and > 0 on a log axis."""
    if column not in NUMERIC_FEATURES:
        raise ValueError(f"'{column}' is not a numeric feature")
    if log:
        # CASE, not AND: SQL does not promise to skip log10 of a non-positive value (an error) when the test fails
        return f"(CASE WHEN {column} > 0 THEN log10({column}::DOUBLE) END)", f"{_known(column)} AND {column} > 0"
    return f"{column}::DOUBLE", _known(column)


def _component_axis(projection, index: int) -> tuple[str, tuple]:
    """One principal-component coordinate as SQL: sum of ((prepared feature - mean) / scale) x loading."""
    terms, params = [], []
    for j, name in enumerate(projection.features):
        value = f"ln(1 + greatest({name}::DOUBLE, 0))" if name in MONEY_FEATURES else f"{name}::DOUBLE"
        prepared = f"(CASE WHEN {name} IS NULL OR isnan({name}) THEN ?::DOUBLE ELSE {value} END)"
        terms.append(f"(({prepared} - ?::DOUBLE) / ?::DOUBLE) * ?::DOUBLE")
        params += [
            float(projection.fill[j]),
            float(projection.mean[j]),
            float(projection.scale[j]),
            float(projection.components[index, j]),
        ]
    return "(" + " + ".join(terms) + ")", tuple(params)


def _to_axis(values, log: bool) -> np.ndarray:
    v = np.asarray(values, dtype="float64")
    return np.log10(np.clip(v, 1e-300, None)) if log else v


def _shapes(px: str, py: str, region: Region, log_x: bool, log_y: bool) -> tuple[str, list]:
    """The region's boxes and lassos as an OR of tests on the coordinates px, py (SQL expressions)."""
    parts, params = [], []
    for x0, x1, y0, y1 in region.boxes:
        (ax0, ax1), (ay0, ay1) = _to_axis((x0, x1), log_x), _to_axis((y0, y1), log_y)
        parts.append(f"({px} >= ? AND {px} <= ? AND {py} >= ? AND {py} <= ?)")
        params += [float(ax0), float(ax1), float(ay0), float(ay1)]
    for xs, ys in region.lassos:
        vx, vy = _to_axis(xs, log_x), _to_axis(ys, log_y)
        crossings, edge_params = [], []
        for i in range(len(vx)):
            x1, y1, x2, y2 = (float(v) for v in (vx[i - 1], vy[i - 1], vx[i], vy[i]))
            if y1 == y2:
                continue  # a horizontal edge never crosses the ray
            crossings.append(f"CASE WHEN {py} >= ? AND {py} < ? AND {px} < ? + ({py} - ?) * ? / ? THEN 1 ELSE 0 END")
            edge_params += [min(y1, y2), max(y1, y2), x1, y1, x2 - x1, y2 - y1]
        if not crossings:
            continue
        box = f"{px} >= ? AND {px} <= ? AND {py} >= ? AND {py} <= ?"
        parts.append(f"({box} AND ({' + '.join(crossings)}) % 2 = 1)")
        params += [float(vx.min()), float(vx.max()), float(vy.min()), float(vy.max()), *edge_params]
    return (" OR ".join(parts) if parts else "FALSE"), params


def region_predicate(source: VersionSource, filters: Filters, axes: MapAxes, region: Region, sample_size: int):
    """The view's customers inside the region, as one Predicate (the filters' clause and the region's).

    On the main directions the components are fitted on the map's own sample (sample_view of `sample_size`),
    exactly as the map draws them.
    """
    view = filters_predicate(filters)
    if region.is_empty:
        return view & NOWHERE
    if axes.x in NUMERIC_FEATURES and axes.y in NUMERIC_FEATURES:
        (px, ok_x), (py, ok_y) = _feature_axis(axes.x, axes.log_x), _feature_axis(axes.y, axes.log_y)
        shapes, params = _shapes(px, py, region, axes.log_x, axes.log_y)
        return view & Predicate(f"({ok_x}) AND ({ok_y}) AND ({shapes})", tuple(params))
    columns = {f"PC{i + 1}": i for i in range(2)}
    if axes.x not in columns or axes.y not in columns:
        raise ValueError(f"unknown map axes: {axes.x}, {axes.y}")
    projection = fit_projection(sample_view(source, filters, sample_size), n_components=2)
    (px, x_params), (py, y_params) = (
        _component_axis(projection, columns[axes.x]),
        _component_axis(projection, columns[axes.y]),
    )
    # The coordinates appear several times in the clause: computed once in a subquery, then tested.
    shapes, params = _shapes("px", "py", region, axes.log_x, axes.log_y)
    inner = f"SELECT {ROW_COLUMN}, {px} AS px, {py} AS py FROM {view.table} WHERE {view.sql}"
    return view & Predicate(
        f"{ROW_COLUMN} IN (SELECT {ROW_COLUMN} FROM ({inner}) WHERE {shapes})",
        (*x_params, *y_params, *view.params, *params),
        view.table,
    )


def region_counts(
    source: VersionSource, filters: Filters, axes: MapAxes, region: Region, sample_size: int
) -> pd.Series:
    """Customers of the view inside the region per segment (every segment, in order; zeros included)."""
    where = region_predicate(source, filters, axes, region, sample_size)
    found = source.query(
        f"SELECT segment::VARCHAR AS segment, count(*) AS n FROM {where.table} WHERE {where.sql} GROUP BY segment",
        where.params,
    )
    counts = dict(zip(found["segment"], found["n"].astype("int64"), strict=True))
    names = list(source.segment_names)
    return pd.Series([int(counts.get(n, 0)) for n in names], index=names, dtype="int64")


def sample_region(
    source: VersionSource, filters: Filters, axes: MapAxes, region: Region, sample_size: int, n: int
) -> pd.DataFrame:
    """A stratified sample of at most about n of the region's customers (the list drawn on the page)."""
    return sample_where(source, region_predicate(source, filters, axes, region, sample_size), n)


def region_customers(
    source: VersionSource, filters: Filters, axes: MapAxes, region: Region, sample_size: int
) -> pd.DataFrame:
    """Every customer of the view inside the region, in file order (index: row in customers.parquet).

    For the in-memory download only, built when it is clicked; long lists stream from disk instead.
    """
    return read_customers(source, filters, region_predicate(source, filters, axes, region, sample_size))
