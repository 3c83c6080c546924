"""One-page segment summaries: one figure per segment with its KPIs, persona and four charts against the whole
bank, user text escaped, and (with Debian's Chromium) a zip of real PNG pages."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from core.config import CHROMIUM_PATH
from core.present.formats import format_count
from core.present.summary import (
    PAGE_HEIGHT,
    PAGE_SCALE,
    PAGE_WIDTH,
    segment_summary_figures,
    summaries_zip,
    summary_pngs,
)

CONTEXT = "Dataset test · Filters: none"


@pytest.fixture(scope="module")
def hostile(data):
    customers, transactions = data
    hostile = customers.assign(location=customers["location"].where(customers.index % 2 > 0, "<b>EVIL</b> & CO"))
    return hostile, transactions


@pytest.fixture(scope="module")
def figures(hostile):
    customers, transactions = hostile
    return segment_summary_figures(customers, customers, transactions, CONTEXT)


def _texts(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


def test_one_page_per_segment_in_order(figures):
    assert list(figures) == ["Low", "Medium", "High"]
    assert [fig.layout.title.text for fig in figures.values()] == [f"<b>{s}</b> segment · summary" for s in figures]
    assert {fig.layout.title.subtitle.text for fig in figures.values()} == {CONTEXT}


def test_kpis_and_persona_are_on_the_page(figures, hostile):
    customers, _ = hostile
    high = _texts(figures["High"])
    assert format_count(int((customers["segment"] == "High").sum())) in high
    for label in ("Customers", "Median balance", "Median transaction", "Median age", "Repeat customers", "Persona"):
        assert label in high
    assert "Biggest locations" in high


def test_location_text_is_escaped_not_markup(figures):
    text = _texts(figures["Low"])
    assert "&lt;b&gt;EVIL&lt;/b&gt; &amp; CO" in text
    assert "<b>EVIL" not in text


def test_four_charts_compare_the_segment_with_the_bank(figures):
    fig = figures["Medium"]
    names = {t.name for t in fig.data if t.name}
    assert names == {"This segment", "All customers of the bank"}
    bars = [t for t in fig.data if t.type == "bar" and t.orientation == "h"]
    assert len(bars) == 1 and len(bars[0].y) >= 5  # one bar per feature vs the average customer
    assert len([t for t in fig.data if t.type == "scatter"]) == 2  # hours: segment and bank
    domains = [fig.layout[a].domain for a in fig.layout if a.startswith("yaxis")]
    assert len(domains) == 4
    assert max(d[1] for d in domains) < 0.7  # the charts sit below the KPIs and persona


def test_a_view_of_one_segment_gives_one_page(hostile):
    customers, transactions = hostile
    high = customers[customers["segment"] == "High"]
    assert list(segment_summary_figures(high, customers, transactions, CONTEXT)) == ["High"]


def test_the_zip_names_each_page_and_carries_notes():
    archive = zipfile.ZipFile(io.BytesIO(summaries_zip({"Low": b"a", "High value": b"b"}, ["why"])))
    assert archive.namelist() == ["1_segment_summary_Low.png", "2_segment_summary_High-value.png", "README.txt"]
    assert archive.read("README.txt") == b"why\n"


@pytest.mark.skipif(not CHROMIUM_PATH.is_file(), reason=f"{CHROMIUM_PATH} is absent: install Debian's chromium")
def test_pages_render_as_legible_pngs(figures):
    pngs = summary_pngs(figures)
    archive = zipfile.ZipFile(io.BytesIO(summaries_zip(pngs)))
    assert len(archive.namelist()) == 3
    for name in archive.namelist():
        image = Image.open(io.BytesIO(archive.read(name)))
        assert image.format == "PNG"
        assert image.size == (int(PAGE_WIDTH * PAGE_SCALE), int(PAGE_HEIGHT * PAGE_SCALE))
        pixels = np.asarray(image.convert("L"))
        assert 0.05 < (pixels < 240).mean() < 0.6  # text and charts drawn, not a blank or black page
