"""Degenerate datasets (issue 13): every page renders a dataset whose customers are all the same age (and one
with every column but the amounts constant); a dataset that can only give empty segments is refused on the Data
page and the previous model stays active."""

from __future__ import annotations

import numpy as np
import pytest

from core.config import DATASETS_DIR, RAW_COLUMNS
from core.pipeline.persistence import list_datasets, sha256_file
from core.pipeline.train import run_training
from tests.app.conftest import assert_clean, run_page

PAGES = [
    "Home.py",
    *(
        f"pages/{p}"
        for p in (
            "1_Explore_data.py",
            "2_Segment_map.py",
            "3_Segment_profiles.py",
            "4_Customer_lookup.py",
            "5_What_if.py",
            "6_Model_quality.py",
            "7_Data.py",
            "10_Segment_movement.py",
        )
    ),
]
HEADER = ",".join(f'"{c}"' if "," in c else c for c in RAW_COLUMNS) + "\n"


def raw_file(customers: int, flat: bool, seed: int = 1) -> bytes:
    """Transactions where every customer is 36 (born 1/1/80, all dates in 2016); `flat` also makes gender,
    location, balance and time the same for everyone, leaving only the amounts to tell customers apart."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(customers * 2):
        gender = "F" if flat else "MF"[i % 2]
        location = "PUNE" if flat else ["MUMBAI", "PUNE", "DELHI"][i % 3]
        balance = "5000" if flat else f"{rng.lognormal(9, 2):.2f}"
        time = "120000" if flat else str(rng.integers(0, 235959))
        day, month = rng.integers(1, 29), rng.integers(1, 13)
        lines.append(
            f"T{i},C{i % customers:04d},1/1/80,{gender},{location},{balance},{day}/{month}/16,{time},"
            f"{rng.lognormal(6, 1.5):.2f}\n"
        )
    return (HEADER + "".join(lines)).encode()


@pytest.fixture(scope="module")
def degenerate(tmp_path_factory):
    """Two extra datasets in the app's data folder, removed afterwards."""
    from core.pipeline.persistence import delete_dataset

    names = {"same-age": raw_file(200, flat=False), "all-flat": raw_file(200, flat=True)}
    for name, data in names.items():
        run_training(data, DATASETS_DIR / name, name=f"{name}.csv")
    yield list(names)
    for name in names:
        delete_dataset(name, DATASETS_DIR)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("dataset", ["same-age", "all-flat"])
def test_every_page_renders_a_constant_column_dataset(degenerate, dataset, page):
    at = run_page(page, dataset=dataset)
    assert_clean(at)
    assert at.selectbox(key="dataset_picker").value == dataset
    lazy = {  # pages whose tabs run only when opened: each of the others too
        "Segment_movement.py": ("movement_tab", ("The customers of one cell", "Drift")),
        "Model_quality.py": ("quality_tab", ("Full model", "Prospect model", "Model card")),
    }
    for suffix, (key, tabs) in lazy.items():
        if page.endswith(suffix):
            for tab in tabs:
                at.session_state[key] = tab
                assert_clean(at.run())


def test_only_two_profiles_with_three_segments_is_refused_and_the_active_model_stays(app_data):
    lines = [
        f"T{i},C{i},1/1/80,M,MUMBAI,{5000 if i % 2 else 900000},2/8/16,101010,{250 if i % 2 else 90000}\n"
        for i in range(100)
    ]
    data = (HEADER + "".join(lines)).encode()
    version = app_data.resolve()
    before = {p.name: sha256_file(p) for p in version.iterdir() if p.is_file()}
    names_before = [d["name"] for d in list_datasets(DATASETS_DIR)]
    at = run_page("pages/7_Data.py")
    at.file_uploader(key="upload").set_value(("two_profiles.csv", data, "text/csv")).run()
    at.text_input(key="dataset_name").set_value("two profiles")
    next(b for b in at.button if b.label == "Train segments and models").click().run(timeout=180)
    assert not at.exception
    assert any("cannot form 3 segments" in e.value and "only 2 distinct profiles" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert [d["name"] for d in list_datasets(DATASETS_DIR)] == names_before
    assert app_data.resolve() == version
    assert {p.name: sha256_file(p) for p in version.iterdir() if p.is_file()} == before
