"""Imputing and encoding columns for the segmenter and the forests: scikit-learn's results, faster.

``MedianImputer`` gives SimpleImputer(strategy="median")'s medians from numpy's nanmedian (a partition per column)
instead of a sort of a masked array: on the default's 886,996 customers 0.06 s against 0.9-1.1 s per fit.
``PooledCategories`` gives OrdinalEncoder(max_categories=..., unknown and missing -> -1)'s codes from pandas'
value counts instead of counting every value in Python: 100,000 customers in 4,439 locations 0.03 s against 0.10 s
per fit. Both are tested to equal scikit-learn's on the same input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class MedianImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Fill missing numbers with each column's median of the fitted rows (``statistics_``).

    A column with no value at all in the fitted rows is filled with 0 and kept, so the columns stay the ones
    named (SimpleImputer drops such a column, which would shift every later one by one place).
    """

    def fit(self, X, y=None):
        """Learn each column's median, ignoring missing values."""
        values = validate_data(self, X, dtype="float64", ensure_all_finite="allow-nan", reset=True)
        present = ~np.isnan(values).all(axis=0)
        self.statistics_ = np.zeros(values.shape[1])
        if present.any():
            self.statistics_[present] = np.nanmedian(values[:, present], axis=0)
        return self

    def transform(self, X):
        """The columns as floats, missing values replaced by the fitted medians."""
        check_is_fitted(self, "statistics_")
        values = validate_data(self, X, dtype="float64", ensure_all_finite="allow-nan", reset=False, copy=True)
        missing = np.isnan(values)
        if missing.any():
            values[missing] = np.broadcast_to(self.statistics_, values.shape)[missing]
        return values


class PooledCategories(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Ordinal codes of text columns, the rarest values pooled into one code, unseen and missing values -1.

    The same codes as OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
    encoded_missing_value=-1, max_categories=max_categories): the ``max_categories - 1`` most frequent values
    of a column get 0, 1, ... in sorted order (among equal counts the values later in sorted order are kept,
    as scikit-learn's stable sort does) and every other value seen when fitting gets the next code.
    """

    def __init__(self, max_categories: int = 40):
        self.max_categories = max_categories

    def _columns(self, X) -> list[pd.Series]:
        """Each column as a Series of objects, whether X is a frame or an array."""
        frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=object))
        return [frame.iloc[:, j].astype(object) for j in range(frame.shape[1])]

    def fit(self, X, y=None):
        """Learn each column's values (sorted) and which of them are pooled as infrequent."""
        if self.max_categories < 2:
            raise ValueError("max_categories must be at least 2: one kept value and the pooled rest")
        validate_data(self, X, reset=True, skip_check_array=True)
        self.categories_, self.codes_ = [], []
        for column in self._columns(X):
            counts = column.value_counts(dropna=True).sort_index()
            seen = counts.index.to_numpy(dtype=object)
            codes = np.arange(len(seen), dtype="float64")
            if len(seen) > self.max_categories:
                pooled = np.zeros(len(seen), dtype=bool)
                pooled[np.argsort(counts.to_numpy(), kind="mergesort")[: -(self.max_categories - 1)]] = True
                codes[~pooled] = np.arange((~pooled).sum())
                codes[pooled] = (~pooled).sum()
            self.categories_.append(seen)
            self.codes_.append(np.append(codes, -1.0))  # position -1: an unseen or missing value
        return self

    def transform(self, X):
        """One float code per cell: the value's code, the pooled code, or -1 for unseen and missing values."""
        check_is_fitted(self, "codes_")
        validate_data(self, X, reset=False, skip_check_array=True)
        columns = self._columns(X)
        out = np.empty((len(columns[0]) if columns else 0, len(columns)), dtype="float64")
        for j, column in enumerate(columns):
            position = pd.Index(self.categories_[j], dtype=object).get_indexer(column)  # -1: not among them
            out[:, j] = self.codes_[j][position]
        return out
