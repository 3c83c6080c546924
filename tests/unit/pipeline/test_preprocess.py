"""The imputer and the category encoder give scikit-learn's results (they replace SimpleImputer and OrdinalEncoder)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OrdinalEncoder

from core.pipeline.preprocess import MedianImputer, PooledCategories


def sklearn_encoder(max_categories: int) -> OrdinalEncoder:
    """The encoder the forests used before PooledCategories."""
    return OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1, max_categories=max_categories
    )


def test_medians_by_hand_and_missing_values_filled():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0], "b": [np.nan, 2.0, 4.0, np.nan]})
    imputer = MedianImputer().fit(frame)
    assert imputer.statistics_.tolist() == [3.0, 3.0]
    assert imputer.transform(frame).tolist() == [[1.0, 3.0], [3.0, 2.0], [3.0, 4.0], [10.0, 3.0]]
    assert list(imputer.get_feature_names_out()) == ["a", "b"]
    assert frame["a"].isna().sum() == 1  # the input is not changed in place


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_medians_equal_simple_imputer(seed):
    rng = np.random.default_rng(seed)
    values = np.exp(rng.normal(5, 2, (5001 + seed, 4)))
    values[rng.random(values.shape) < 0.2] = np.nan
    frame = pd.DataFrame(values, columns=["w", "x", "y", "z"])
    ours, theirs = MedianImputer().fit(frame), SimpleImputer(strategy="median").fit(frame)
    np.testing.assert_array_equal(ours.statistics_, theirs.statistics_)
    np.testing.assert_array_equal(ours.transform(frame), theirs.transform(frame))


def test_a_column_without_values_is_kept_and_filled_with_zero():
    frame = pd.DataFrame({"a": [1.0, 2.0, 6.0], "b": [np.nan] * 3})
    assert MedianImputer().fit(frame).transform(frame).tolist() == [[1.0, 0.0], [2.0, 0.0], [6.0, 0.0]]


def test_infinite_values_are_refused_as_scikit_learn_does():
    with pytest.raises(ValueError, match="infinity"):
        MedianImputer().fit(pd.DataFrame({"a": [1.0, np.inf]}))


def test_codes_by_hand_with_pooling_unknown_and_missing():
    fitted = pd.DataFrame({"city": ["PUNE"] * 3 + ["DELHI"] * 2 + ["AGRA", "GOA"]})
    encoder = PooledCategories(max_categories=3).fit(fitted)
    # kept: PUNE (3) and DELHI (2), in sorted order 0 and 1; AGRA and GOA pooled as 2
    new = pd.DataFrame({"city": ["PUNE", "DELHI", "AGRA", "GOA", "PARIS", None]})
    assert encoder.transform(new)[:, 0].tolist() == [1.0, 0.0, 2.0, 2.0, -1.0, -1.0]
    assert list(encoder.get_feature_names_out()) == ["city"]


@pytest.mark.parametrize("max_categories", [2, 5, 40])
def test_codes_equal_ordinal_encoder_with_ties_unknown_and_missing(max_categories):
    rng = np.random.default_rng(max_categories)
    # Zipf-like counts with many ties at the cut, as the long tail of locations has
    names = np.array([f"TOWN{i:03d}" for i in range(120)], dtype=object)
    fit_values = names[np.minimum(rng.zipf(1.4, 20_000) - 1, len(names) - 1)]
    fit_frame = pd.DataFrame({"location": fit_values, "gender": rng.choice(["M", "F", "unknown"], 20_000)})
    new_values = np.concatenate([fit_values[:500], ["NOWHERE", "ELSEWHERE"], [None]]).astype(object)
    new_frame = pd.DataFrame({"location": new_values, "gender": ["M"] * len(new_values)})
    ours = PooledCategories(max_categories=max_categories).fit(fit_frame)
    theirs = sklearn_encoder(max_categories).fit(fit_frame)
    np.testing.assert_array_equal(ours.transform(fit_frame), theirs.transform(fit_frame))
    np.testing.assert_array_equal(ours.transform(new_frame), theirs.transform(new_frame))


def test_pandas_string_columns_inside_a_column_transformer():
    frame = pd.DataFrame(
        {
            "age": [30.0, np.nan, 50.0, 41.0],
            "location": pd.array(["PUNE", "GOA", "PUNE", pd.NA], dtype="string"),
        }
    )
    columns = ColumnTransformer(
        [("num", MedianImputer(), ["age"]), ("cat", PooledCategories(), ["location"])],
        verbose_feature_names_out=False,
    )
    out = columns.fit_transform(frame)
    assert out.tolist() == [[30.0, 1.0], [41.0, 0.0], [50.0, 1.0], [41.0, -1.0]]
    assert list(columns.get_feature_names_out()) == ["age", "location"]


def test_fewer_than_two_categories_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        PooledCategories(max_categories=1).fit(pd.DataFrame({"a": ["x", "y"]}))
