"""Fitting customers and describing the fit: segments, their quality, both classifiers, the model card.

Shared by training in memory (core.pipeline.train) and at scale (core.pipeline.scale): both hand over the
customers to fit on (all of them, or a seeded sample) with the data-quality report, and get back a Fitted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from core.config import FIT_SAMPLE_CUSTOMERS
from core.pipeline.card import ModelCard, TrainingQuality
from core.pipeline.classify import FULL_FEATURES, PROSPECT_FEATURES, ClassifierParams, ClassifierResult, fit_classifier
from core.pipeline.evaluate import evaluate_segmentation
from core.pipeline.features import FEATURES
from core.pipeline.models import Models, compute_base_stats
from core.pipeline.prospect import fit_prospect
from core.pipeline.quality import QualityReport
from core.pipeline.segment import (
    SEGMENT_FEATURES,
    WEIGHTS_REASON,
    check_enough_customers,
    fit_segmenter,
    segment_params,
)
from core.pipeline.support import data_warnings

# Called with (stage, None) when a stage starts and (stage, seconds) when it ends.
Progress = Callable[[str, float | None], None]
STAGES = ("load", "clean", "features", "segment", "quality", "classifiers", "save")
STAGE_LABELS = {
    "load": "Reading the file",
    "clean": "Cleaning transactions",
    "features": "Building customer features",
    "segment": "Finding budget segments",
    "quality": "Measuring segment quality",
    "classifiers": "Training the classifiers",
    "save": "Saving artifacts",
    # at scale only (core.pipeline.scale)
    "sample": "Sampling customers to fit on",
    "assign": "Assigning every customer",
}
PROSPECT_CARD_KEYS = ("log_loss", "prior_log_loss", "auc", "top_decile_lift", "calibrated")
TRANSACTION_COLUMNS = ["customer_id", "date", "hour", "amount"]


def print_progress(stage: str, seconds: float | None) -> None:
    """Default progress: one line per finished stage with its time."""
    if seconds is not None:
        print(f"{STAGE_LABELS[stage]:<32} {seconds:6.2f} s", flush=True)


class StageTimer:
    """Times named stages and reports them to a progress callback."""

    def __init__(self, progress: Progress | None):
        self.progress = progress or (lambda stage, seconds: None)
        self.timings: dict[str, float] = {}

    def run(self, stage: str, func, *args, **kwargs):
        """Run one stage, recording and reporting its duration."""
        self.progress(stage, None)
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.timings[stage] = round(time.perf_counter() - start, 3)
        self.progress(stage, self.timings[stage])
        return result


def _segment_customers(customers: pd.DataFrame, k: int, seed: int, unavailable: tuple[str, ...] = ()):
    """Fit the segmenter on the money features the input has; return it with the customers labelled."""
    features = tuple(f for f in SEGMENT_FEATURES if f not in unavailable)
    model = fit_segmenter(customers, segment_params(k, seed, features))
    labelled = customers.assign(segment=model.assign(customers))
    return model, labelled


def _fit_both_classifiers(customers: pd.DataFrame, seed: int, unavailable: tuple[str, ...]):
    """The full-feature surrogate and the prospect model, each without features the input lacked."""
    params = ClassifierParams(seed=seed)
    full_features = tuple(f for f in FULL_FEATURES if f not in unavailable)
    prospect_features = tuple(f for f in PROSPECT_FEATURES if f not in unavailable)
    full = fit_classifier(customers, customers["segment"], full_features, params)
    prospect = fit_prospect(customers, customers["segment"], prospect_features, params)
    return full, prospect


def _find_unavailable(customers: pd.DataFrame) -> tuple[str, ...]:
    """Features with no value at all (their column was absent from the input): left out, not faked."""
    missing = []
    for name in FEATURES:
        col = customers[name]
        empty = (
            col.isna().all()
            or (name == "gender" and (col == "unknown").all())
            or (name == "location" and (col == "UNKNOWN").all())
        )
        if empty:
            missing.append(name)
    return tuple(missing)


@dataclass
class Fitted:
    """Everything fitted on one input, before it is described: the input to build_card and build_quality.

    ``customers`` are the customers the models were fitted on (every customer, or at scale the seeded sample
    of ``total_customers``); ``transactions`` are the slim linked transactions (empty at scale, where the
    engine writes them).
    """

    report: QualityReport
    customers: pd.DataFrame
    transactions: pd.DataFrame
    models: Models
    segmentation: dict
    full: ClassifierResult
    prospect: ClassifierResult
    date_range: tuple[str, str]
    total_customers: int
    warnings: tuple[str, ...] = ()


def fit_customers(
    customers: pd.DataFrame,
    report: QualityReport,
    dates: pd.DataFrame,
    k: int,
    seed: int,
    timer: StageTimer,
    total_customers: int | None = None,
    locations: tuple[str, ...] = (),
) -> Fitted:
    """Segment, evaluate and fit both classifiers on customers (all of them, or the seeded fitting sample).

    ``dates`` has the first and last transaction dates (column ``date``); the data warnings read it.
    """
    total = len(customers) if total_customers is None else total_customers
    check_enough_customers(len(customers), k)
    unavailable = _find_unavailable(customers)
    warnings = data_warnings(dates, customers, unavailable)
    for warning in warnings:
        report.add("(whole file)", warning, "note", total)
    if "balance" in unavailable:
        report.add(
            "CustAccountBalance",
            "no balances in the file: segments use transaction amounts only",
            "note",
            total,
        )
    segmenter, customers = timer.run("segment", _segment_customers, customers, k, seed, unavailable)
    ranks = customers["segment"].cat.codes.to_numpy()
    seg_quality = timer.run("quality", evaluate_segmentation, segmenter, customers, ranks, seed)
    full, prospect = timer.run("classifiers", _fit_both_classifiers, customers, seed, unavailable)
    models = Models(
        segment=segmenter,
        full=full.pipeline,
        full_features=full.features,
        prospect=prospect.pipeline,
        prospect_features=prospect.features,
        base_stats=compute_base_stats(customers),
        locations=locations or tuple(customers["location"].value_counts().index[:500]),
        unavailable=unavailable,
    )
    date_range = (str(dates["date"].min().date()), str(dates["date"].max().date()))
    empty = pd.DataFrame(columns=TRANSACTION_COLUMNS)
    return Fitted(report, customers, empty, models, seg_quality, full, prospect, date_range, total, tuple(warnings))


def build_quality(fitted: Fitted) -> TrainingQuality:
    """quality.json: the data-quality report and the measured quality of segments and classifiers."""
    return TrainingQuality(fitted.report, fitted.segmentation, fitted.full.metrics, fitted.prospect.metrics)


def build_card(fitted: Fitted, k: int, seed: int, source: str, input_sha256: str, timings: dict) -> ModelCard:
    """model_card.json (before saving adds the writer, library versions, checksums and the signature)."""
    segmenter, seg_quality = fitted.models.segment, fitted.segmentation
    full, prospect, report = fitted.full, fitted.prospect, fitted.report
    card = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "input_sha256": input_sha256,
        "params": {
            "k": k,
            "seed": seed,
            "segment_features": list(segmenter.features),
            "segment_names": list(segmenter.names),
            "segment_weights": dict(zip(segmenter.features, segmenter.params.weights, strict=True)),
            "segment_weights_reason": WEIGHTS_REASON,
            "kmeans": segmenter.fit_info,
            "classifier": vars(ClassifierParams(seed=seed)),
            # K-Means, the forests and the quality metrics are fitted on this seeded sample of customers
            # (every customer up to the limit); every customer is then assigned by the same rule.
            "fit_sample": {
                "customers": int(len(fitted.customers)),
                "of": int(fitted.total_customers),
                "seed": seed,
                "limit": FIT_SAMPLE_CUSTOMERS,
            },
        },
        "rows": {
            "input": int(report.rows_in),
            "transactions": int(report.rows_out),
            "customers": int(fitted.total_customers),
        },
        "date_range": list(fitted.date_range),
        "unavailable_features": list(fitted.models.unavailable),
        "metrics": {
            "silhouette_mean": seg_quality["silhouette"]["mean"],
            "silhouette_std": seg_quality["silhouette"]["std"],
            "silhouette_sample_size": seg_quality["silhouette"]["sample_size"],
            "silhouette_method": seg_quality["silhouette"]["method"],
            "davies_bouldin": seg_quality["davies_bouldin"],
            "calinski_harabasz": seg_quality["calinski_harabasz"],
            "reference_silhouette": seg_quality["reference_silhouette"]["mean"],
            "silhouette_gap": seg_quality["silhouette_gap"],
            "agreement_with_bands": seg_quality["agreement"],
            "borderline_share": seg_quality["borderline_share"],
            "start_dependent_share": seg_quality["start_dependent_share"],
            "full_agreement": full.metrics["accuracy"],
            "prospect_accuracy": prospect.metrics["accuracy"],
            "prospect_macro_f1": prospect.metrics["macro_f1"],
            "baseline_accuracy": prospect.metrics["baseline_accuracy"],
            "prospect": {key: prospect.metrics[key] for key in PROSPECT_CARD_KEYS},
        },
        "warnings": list(fitted.warnings),
        "timings": timings,
    }
    return ModelCard.from_dict(card)
