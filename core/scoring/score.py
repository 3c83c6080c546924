"""Scoring customers with the fitted models: segment, probabilities, distances, explanations, what-if moves."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.analysis.explore import ids_in
from core.analysis.profiles import format_inr, format_ratio
from core.config import MAX_AMOUNT_INR, MAX_BALANCE_INR, MAX_UPLOAD_ROWS
from core.errors import DataError
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, build_customer_features, feature_label
from core.pipeline.models import Models, to_comparable

TOP_REASONS = 3


def prepare_features(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Customer rows with every model feature present (absent ones missing), numbers as floats."""
    out = pd.DataFrame(index=frame.index)
    for name in FEATURES:
        if name in frame:
            out[name] = frame[name]
        else:
            out[name] = "unknown" if name == "gender" else "UNKNOWN" if name == "location" else np.nan
    for name in NUMERIC_FEATURES:
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    return out


def score_customers(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Segment (exact K-Means), classifier probabilities and distance to each segment centre, per row."""
    X = prepare_features(models, frame)
    names = list(models.segment_names)
    empty = X.empty  # scikit-learn refuses zero rows; an empty input gives an empty (typed) output
    ranks = np.zeros(0, dtype="int64") if empty else models.segment.assign_ranks(X)
    out = pd.DataFrame(index=frame.index)
    out["segment"] = pd.Categorical.from_codes(ranks, categories=names, ordered=True)
    proba = (
        np.zeros((0, len(names)))
        if empty
        else class_probabilities(models.full, X[list(models.full_features)], len(names))
    )
    for i, name in enumerate(names):
        out[f"p_{name}"] = proba[:, i]
    dist = np.zeros((0, len(names))) if empty else models.segment.distances(X)
    for i, name in enumerate(names):
        out[f"distance_{name}"] = dist[:, i]
    return out


def predict_prospect(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Prospect-model probabilities per segment, from demographic and timing fields only."""
    X = prepare_features(models, frame)[list(models.prospect_features)]
    names = list(models.segment_names)
    proba = class_probabilities(models.prospect, X, len(names))
    out = pd.DataFrame({f"p_{n}": proba[:, i] for i, n in enumerate(names)}, index=frame.index)
    out.insert(
        0,
        "predicted_segment",
        pd.Categorical([names[i] for i in np.argmax(out.to_numpy(), axis=1)], categories=names, ordered=True),
    )
    return out


def class_probabilities(pipeline, X: pd.DataFrame, k: int) -> np.ndarray:
    """Probabilities for every segment rank 0..k-1 (a rank absent from training gets 0)."""
    proba = pipeline.predict_proba(X)
    out = np.zeros((len(X), k))
    out[:, np.asarray(pipeline.classes_, dtype="int64")] = proba
    return out


def z_scores(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """How far each customer is from the average customer on each numeric feature, in standard deviations.

    Money is compared on a log scale (as the segmentation does), so one millionaire does not make everyone
    else look alike. Missing values give NaN.
    """
    stats = models.base_stats
    out = pd.DataFrame(index=frame.index)
    for name in NUMERIC_FEATURES:
        values = pd.to_numeric(frame[name], errors="coerce") if name in frame else pd.Series(np.nan, frame.index)
        std = stats.at[name, "std_t"]
        usable = pd.notna(std) and np.isfinite(std) and std > 0
        comparable = to_comparable(name, values.to_numpy(dtype="float64"))
        out[name] = (comparable - stats.at[name, "mean_t"]) / std if usable else np.nan
    return out


def difference_word(z: float) -> str:
    """A plain reading of a z-score: 'much higher', 'higher', 'a little higher', 'about typical' (or lower)."""
    size = abs(z)
    if size < 0.5:
        return "about typical"
    direction = "higher" if z > 0 else "lower"
    return f"much {direction}" if size >= 2 else direction if size >= 1 else f"a little {direction}"


def explain_customer(models: Models, row: pd.Series, top: int = TOP_REASONS) -> pd.DataFrame:
    """The features that most set one customer apart from the whole base (z-scores, money on log scale).

    Columns: feature, label, value, base_median, z, difference (in words), reason (a sentence).
    """
    z = z_scores(models, pd.DataFrame([row])).iloc[0].dropna()
    records = []
    for name, score in z.items():
        word = difference_word(score)
        reason = (
            f"{FEATURES[name].label} is about typical"
            if word == "about typical"
            else f"{FEATURES[name].label} is {word} than for the typical customer"
        )
        records.append(
            {
                "feature": name,
                "label": feature_label(name),
                "value": float(pd.to_numeric(row.get(name), errors="coerce")),
                "base_median": float(models.base_stats.at[name, "median"]),
                "z": float(score),
                "difference": word,
                "reason": reason,
            }
        )
    columns = ["feature", "label", "value", "base_median", "z", "difference", "reason"]
    table = pd.DataFrame(records, columns=columns)
    return (
        table.reindex(table["z"].abs().sort_values(ascending=False, kind="stable").index)
        .head(top)
        .reset_index(drop=True)
    )


def describe_standouts(models: Models, frame: pd.DataFrame, top: int = 2, min_z: float = 1.0) -> pd.Series:
    """Per customer, the (at most `top`) features furthest from typical, e.g. 'Account balance much higher'.

    Only differences of at least `min_z` standard deviations count; 'Close to typical' when none does.
    """
    z = z_scores(models, frame)
    values = z.to_numpy(dtype="float64")
    size = np.where(np.isfinite(values), np.abs(values), -1.0)
    order = np.argsort(-size, axis=1, kind="stable")[:, :top]
    names = list(z.columns)
    texts = []
    for i in range(len(z)):
        parts = [f"{FEATURES[names[j]].label} {difference_word(values[i, j])}" for j in order[i] if size[i, j] >= min_z]
        texts.append("; ".join(parts) or "Close to typical")
    return pd.Series(texts, index=frame.index, dtype="object")


SEARCH_ROUNDS = 3  # a grid of SEARCH_POINTS, refined SEARCH_ROUNDS times: 1000x range to about 0.02%
SEARCH_POINTS = 32
MAX_RAISE = 1000.0


def _with_values(X: pd.DataFrame, feature: str, values: np.ndarray) -> pd.DataFrame:
    """Copies of the one-row X with `feature` set to each value (average transaction keeps total spend coherent)."""
    trial = X.iloc[np.zeros(len(values), dtype=int)].reset_index(drop=True)
    trial[feature] = values
    if feature == "mean_amount":  # one more transaction of that size also raises the total: keep them coherent
        spent = trial["mean_amount"] * trial["n_transactions"].fillna(1)
        trial["total_amount"] = np.maximum(trial["total_amount"], spent)
    return trial


def suggest_next_segment(models: Models, row: pd.Series) -> dict | None:
    """The smallest single raise of one segmentation money feature that moves a customer up a segment.

    Searches each money feature on a log scale up to MAX_RAISE times its value, all features at once in
    batched grid rounds (a few K-Means predictions in total rather than one per step), and returns the
    feature needing the smallest relative increase: feature, label, from, to, factor, target (the segment
    reached), start_known (False when the customer had no usable value and the search started from the
    median), total_from/total_to (total spend before and after, when raising the average transaction raises
    it too, else None). None when
    the customer is in the top segment or no raise within MAX_RAISE would do it.
    """
    X = prepare_features(models, pd.DataFrame([row]))
    current = int(models.segment.assign_ranks(X)[0])
    names = models.segment_names
    if current >= len(names) - 1:
        return None
    features = list(models.segment.features)
    starts, known = {}, {}
    for feature in features:
        start = X[feature].iloc[0]
        known[feature] = bool(pd.notna(start) and start > 0)
        starts[feature] = float(start) if known[feature] else float(models.base_stats.at[feature, "median"])
    lo = dict.fromkeys(features, 0.0)
    hi = dict.fromkeys(features, float(np.log(MAX_RAISE)))
    reached = {}
    for _ in range(SEARCH_ROUNDS):
        grids = {f: lo[f] + (hi[f] - lo[f]) * np.arange(1, SEARCH_POINTS + 1) / SEARCH_POINTS for f in hi}
        trials = pd.concat([_with_values(X, f, starts[f] * np.exp(grids[f])) for f in hi], ignore_index=True)
        ranks = models.segment.assign_ranks(trials).reshape(len(hi), SEARCH_POINTS)
        for f, feature_ranks in zip(list(hi), ranks, strict=True):
            above = np.flatnonzero(feature_ranks > current)
            if not len(above):  # never moves within the range searched (only possible in the first round)
                del lo[f], hi[f]
                continue
            first = above[0]
            lo[f], hi[f] = (grids[f][first - 1] if first else lo[f]), grids[f][first]
            reached[f] = int(feature_ranks[first])
        if not hi:
            return None
    best = min(hi, key=lambda f: (hi[f], features.index(f)))
    factor = float(np.exp(hi[best]))
    to = starts[best] * factor
    move = {
        "feature": best,
        "label": feature_label(best),
        "from": starts[best],
        "to": to,
        "factor": factor,
        "target": names[reached[best]],
        "start_known": known[best],
        "total_from": None,
        "total_to": None,
    }
    total_to = float(_with_values(X, best, np.array([to]))["total_amount"].iloc[0])
    total_from = float(X["total_amount"].iloc[0])
    if best == "mean_amount" and not (total_to <= total_from + 0.5):  # NaN (unknown total) counts as a change
        move.update(total_from=total_from, total_to=total_to)
    return move


def describe_move(move: dict | None, segment: str, top_segment: str) -> str:
    """The what-if suggestion in a marketer's words, e.g. 'Raising the average transaction from ₹450 to ₹1,230
    (2.7×) would move this customer to High.'"""
    if move is None:
        if segment == top_segment:
            return f"This customer is already in the top segment, {top_segment}."
        return (
            f"No single raise of up to {MAX_RAISE:,.0f}× in balance, average transaction or total spend "
            f"moves this customer out of {segment}."
        )
    what = FEATURES[move["feature"]].label.lower()
    if move["start_known"]:
        change = (
            f"Raising the {what} from {format_inr(move['from'])} to {format_inr(move['to'])} "
            f"({format_ratio(move['factor'])})"
        )
    else:
        change = f"Setting the {what} (not known for this customer) to {format_inr(move['to'])}"
    also = ""
    if move.get("total_to") is not None:
        before = f"from {format_inr(move['total_from'])} " if pd.notna(move["total_from"]) else ""
        also = f", and with it total spend {before}to {format_inr(move['total_to'])},"
    return f"{change}{also} would move this customer to {move['target']}."


def segment_probabilities(scored: pd.Series, names: tuple[str, ...] | list[str]) -> dict[str, float]:
    """The p_<segment> values of one scored row as {segment: probability}, in segment order."""
    return {name: float(scored[f"p_{name}"]) for name in names}


CLOSE_CALL = 0.10  # a most-likely segment less than 10 points ahead of the next is too close to call


def describe_prospect_guess(probabilities: dict[str, float]) -> str:
    """How decisive a prospect-model guess is, e.g. 'Too close to call: High 34%, Medium 33%, Low 33%.'"""
    ranked = sorted(probabilities.items(), key=lambda kv: kv[1], reverse=True)
    listing = ", ".join(f"{name} {p:.0%}" for name, p in ranked)
    if len(ranked) < 2:
        return listing
    (best, p1), (_, p2) = ranked[0], ranked[1]
    if p1 - p2 < CLOSE_CALL:
        return (
            f"Too close to call ({listing}): for this prospect the model cannot tell the segments apart, so "
            f"{best} is barely more likely than the rest."
        )
    return f"{best} is the clear favourite ({listing})."


def lookup_customers(customers: pd.DataFrame, ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Rows for the requested customer IDs (order kept, duplicates removed, any letter case) and the unknown IDs.

    Scans the ID column once against the few requested IDs (a pyarrow hash join: a few ms on 884k customers).
    """
    wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    variants = list(dict.fromkeys(v for w in wanted for v in (w, w.upper(), w.lower())))
    rows = np.flatnonzero(ids_in(customers["CustomerID"].astype(str), variants)) if wanted else np.array([], int)
    position = {}
    for r, found_id in zip(rows, customers["CustomerID"].iloc[rows].astype(str), strict=True):
        position.setdefault(found_id.upper(), r)
    order, unknown = [], []
    for w in wanted:
        p = position.get(w.upper())
        if p is None:
            unknown.append(w)
        elif p not in order:
            order.append(p)
    return customers.iloc[order], unknown


def parse_id_list(text: str) -> list[str]:
    """Customer IDs pasted as text: separated by commas, semicolons, spaces, tabs or new lines."""
    return [t for t in re.split(r"[,;\s]+", text or "") if t]


def canonical_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Recognise feature columns by name or by the app's own headers ('Account balance (INR)', 'Customer ID').

    Input columns that would clash with the scores added later (segment, p_*, distance_*) are renamed
    '<name> (from file)', so a scored download can be uploaded again.
    """
    known = {"customerid": "CustomerID", "customer id": "CustomerID"}
    for name, feature in FEATURES.items():
        for alias in (name, feature.label, feature_label(name)):
            known[alias.strip().lower()] = name
    renamed, used = {}, set()
    for column in frame.columns:
        text = str(column).strip()
        target = known.get(text.lower())
        if target and target not in used:
            renamed[column] = target
            used.add(target)
        elif text.lower() == "segment" or text.startswith(("p_", "distance_")):
            renamed[column] = f"{text} (from file)"
    return frame.rename(columns=renamed)


def feature_ceiling(name: str) -> float:
    """The largest plausible absolute value of a numeric feature (the cleaner's bounds, per customer)."""
    if name == "balance":
        return MAX_BALANCE_INR
    if name in ("mean_amount", "max_amount"):
        return MAX_AMOUNT_INR
    if name == "total_amount":
        return MAX_AMOUNT_INR * MAX_UPLOAD_ROWS
    return float(MAX_UPLOAD_ROWS)  # counts, days, hours, shares, ages: far below this when genuine


def check_plausible(name: str, numbers: pd.Series) -> None:
    """Refuse a feature column holding infinite or implausibly large numbers ('inf', 1e200), naming a row."""
    values = numbers.to_numpy(dtype="float64")
    limit = feature_ceiling(name)
    bad = np.isinf(values) | (np.abs(np.nan_to_num(values, posinf=0.0, neginf=0.0)) > limit)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"the column for {FEATURES[name].label.lower()} has {int(bad.sum()):,} value(s) that are infinite or "
            f"beyond ±{limit:,.0f} (e.g. {values[row]:g} in data row {row + 1:,}); fix them or leave them empty "
            "and upload again"
        )


def score_feature_table(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Score a table of customer features (a batch upload) and put the results beside the input columns.

    `attrs["missing_features"]` lists the model features the table lacked (scored as unknown).
    """
    frame = canonical_columns(frame)
    usable = [c for c in models.segment.features if c in frame]
    if not usable:
        wanted = ", ".join(feature_label(f) for f in models.segment.features)
        raise DataError(
            f"the table has none of the columns needed to score customers ({wanted}), "
            "nor the transaction columns (CustomerID, TransactionDate, TransactionAmount (INR))"
        )
    if frame.empty:
        raise DataError("the table has a header but no rows: there is no customer to score")
    if "location" in frame:
        frame = frame.assign(location=frame["location"].astype("string").str.strip().str.upper())
    for name in (n for n in NUMERIC_FEATURES if n in frame):
        text = frame[name].astype("string").str.replace(r"[₹,\s]", "", regex=True)
        numbers = pd.to_numeric(text, errors="coerce")
        if name in models.segment.features and numbers.isna().all():
            raise DataError(
                f"the column for {FEATURES[name].label.lower()} has no numbers in it (first values: "
                f"{', '.join(map(str, frame[name].head(3)))}); write plain numbers, e.g. 1250.50"
            )
        check_plausible(name, numbers.astype("float64"))
        frame = frame.assign(**{name: numbers.astype("float64")})
    scored = score_customers(models, frame)
    out = pd.concat([frame.reset_index(drop=True), scored.reset_index(drop=True)], axis=1)
    out.attrs["missing_features"] = [f for f in FEATURES if f not in frame]
    return out


def score_upload(models: Models, source, name: str | None = None) -> pd.DataFrame:
    """Score an uploaded file: transactions (aggregated to customers first) or a table of customer features."""
    from core.pipeline.clean import clean_transactions
    from core.pipeline.load import load_transactions, read_table
    from core.pipeline.persons import split_persons

    table = read_table(source, name=name)
    lowered = {str(c).strip().lower() for c in table.columns}
    if {"customerid", "transactiondate"} <= lowered:
        # one customer per person, as in training (an ID shared by two people scores as ID and ID#2)
        clean, _ = clean_transactions(split_persons(load_transactions(source, name=name)))
        customers = build_customer_features(clean)
        out = pd.concat(
            [customers.reset_index(drop=True), score_customers(models, customers).reset_index(drop=True)], axis=1
        )
        out.attrs["missing_features"] = []
        return out
    return score_feature_table(models, table)
