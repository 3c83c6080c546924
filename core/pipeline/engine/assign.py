"""Segment assignment of every customer inside the engine, as one SQL expression of the fitted segmenter.

The same steps as ``SegmentModel.assign_ranks``: missing money imputed with the fitted medians, overdrafts
counted as 0, ``ln(1 + x)``, clipped to the fitted bounds, standardised, weighed into the budget score, then
the nearest K-Means centre
(the first one on a tie, as scikit-learn does) mapped to its budget rank. Numbers are written as exact
double literals (17 significant digits), so DuckDB and Spark compute the same distances.
"""

from __future__ import annotations

import numpy as np

from core.pipeline.segment import SegmentModel


def number(value: float) -> str:
    """An exact double literal (scientific notation is a DOUBLE on DuckDB and Spark, never a DECIMAL)."""
    return f"{float(value):.17e}"


def standardised_items(model: SegmentModel) -> list[str]:
    """SELECT items ``z0, z1, ...``: each segment feature in K-Means' standardised log-money space."""
    pipeline = model.pipeline
    medians = pipeline.named_steps["impute"].statistics_
    log = pipeline.named_steps["log"]
    scaler = pipeline.named_steps["scale"]
    items = []
    for i, feature in enumerate(model.features):
        value = f'COALESCE("{feature}", {number(medians[i])})'
        logged = f"LN({number(1.0)} + GREATEST({value}, {number(0.0)}))"
        clipped = f"LEAST(GREATEST({logged}, {number(log.lower_[i])}), {number(log.upper_[i])})"
        items.append(f"({clipped} - {number(scaler.mean_[i])}) / {number(scaler.scale_[i])} AS z{i}")
    return items


def score_items(model: SegmentModel) -> list[str]:
    """SELECT items of the space K-Means works in: the weighted budget score ``s0`` when the segmenter has
    one, else the standardised coordinates themselves."""
    score = model.pipeline.named_steps.get("score")
    n = len(model.features)
    if score is None:
        return [f"z{i} AS s{i}" for i in range(n)]
    weighted = " + ".join(f"z{i} * {number(w)}" for i, w in enumerate(score.weights_))
    return [f"{weighted} AS s0"]


def distance_items(model: SegmentModel) -> list[str]:
    """SELECT items ``d0, d1, ...``: squared distance to each K-Means centre (cluster order)."""
    centres = model.pipeline.named_steps["kmeans"].cluster_centers_
    return [
        " + ".join(f"(s{i} - {number(c)}) * (s{i} - {number(c)})" for i, c in enumerate(centre)) + f" AS d{j}"
        for j, centre in enumerate(centres)
    ]


def rank_expression(model: SegmentModel) -> str:
    """The budget rank of the nearest centre; ties go to the lower cluster number."""
    k = len(model.rank_of_cluster)
    cases = []
    for j in range(k - 1):
        nearest = " AND ".join(f"d{j} <= d{i}" for i in range(j + 1, k))
        cases.append(f"WHEN {nearest} THEN {int(model.rank_of_cluster[j])}")
    return f"CASE {' '.join(cases)} ELSE {int(model.rank_of_cluster[k - 1])} END"


def assignment_sql(model: SegmentModel, source: str, keep: str = '"CustomerID"') -> str:
    """``keep`` columns of ``source`` plus ``segment_rank`` (0 = lowest budget) for every row."""
    z = f"SELECT {keep}, {', '.join(standardised_items(model))} FROM {source}"
    s = f"SELECT {keep}, {', '.join(score_items(model))} FROM ({z}) z"
    d = f"SELECT {keep}, {', '.join(distance_items(model))} FROM ({s}) s"
    return f"SELECT {keep}, {rank_expression(model)} AS segment_rank FROM ({d}) d"


def ranks_in_engine(engine, model: SegmentModel, source: str) -> np.ndarray:
    """Segment ranks of every row of ``source`` computed in the engine, in CustomerID order."""
    table = engine.arrow(f'SELECT segment_rank FROM ({assignment_sql(model, source)}) a ORDER BY "CustomerID"')
    return table.column("segment_rank").to_numpy()
