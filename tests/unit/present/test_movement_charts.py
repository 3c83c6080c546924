"""Movement figures: upgrades and downgrades coloured apart, Sankey links by direction, cells in words; Compare's
groups in their own colours, never a segment's."""

from __future__ import annotations

from datetime import date

import pandas as pd

from core.analysis.movement import row_shares, segment_moves, transition_matrix
from core.present.compare_charts import group_share_bar
from core.present.figures import GROUP_COLOURS, SEGMENT_COLOURS, group_colour_map
from core.present.movement_charts import (
    DIRECTION_COLOURS,
    cell_description,
    drift_bar,
    movement_sankey,
    period_label,
    transition_heatmap,
)

NAMES = ("Low", "Medium", "High")
LABELS = ("July", "August")
A = pd.DataFrame({"CustomerID": ["c1", "c2", "c3", "c5"], "segment": ["Low", "High", "Medium", "Low"]})
B = pd.DataFrame({"CustomerID": ["c1", "c2", "c3", "c6"], "segment": ["High", "Medium", "Medium", "Low"]})


def matrix() -> pd.DataFrame:
    return transition_matrix(segment_moves(A, B, NAMES))


def test_heatmap_colours_upgrades_and_downgrades_apart():
    m = matrix()
    fig = transition_heatmap(m, row_shares(m), NAMES, LABELS)
    heat = fig.data[0]
    order = list(DIRECTION_COLOURS)
    starts = {round(stop * len(order)): colour for stop, colour in heat.colorscale[::2]}  # band i starts at i/n

    def colour_of(row: int, col: int) -> str:
        return starts[int(heat.z[row][col])]  # z = band + 0.5, the middle of its band

    assert colour_of(0, 2) == DIRECTION_COLOURS["up"]  # Low -> High
    assert colour_of(2, 1) == DIRECTION_COLOURS["down"]  # High -> Medium
    assert colour_of(1, 1) == DIRECTION_COLOURS["unchanged"]
    assert colour_of(3, 0) == DIRECTION_COLOURS["new"]
    assert DIRECTION_COLOURS["up"] != DIRECTION_COLOURS["down"]
    assert heat.text[0][2] == "1<br>50.0%"  # Low: c1 up, c5 gone


def test_sankey_links_carry_the_direction_colour():
    fig = movement_sankey(matrix(), NAMES, LABELS)
    link = fig.data[0].link
    words = list(link.customdata)
    assert words.count("Moved up") == 1 and words.count("Moved down") == 1
    up = link.color[words.index("Moved up")]
    down = link.color[words.index("Moved down")]
    assert up.startswith("rgba(42,157,143") and down.startswith("rgba(231,111,81")
    assert sum(link.value) == 5  # c1, c2, c3 matched; c5 gone; c6 new


def test_user_text_is_escaped_in_figures():
    fig = movement_sankey(matrix(), NAMES, ("<b>July</b>", "Aug"))
    assert all("<b>" not in label for label in fig.data[0].node.label)


def test_cells_in_words():
    assert cell_description("High", "Medium", NAMES, LABELS) == "dropped from High to Medium"
    assert cell_description("Low", "High", NAMES, LABELS) == "moved up from Low to High"
    assert cell_description("Medium", "Medium", NAMES, LABELS) == "stayed in Medium"
    assert cell_description("New", "Low", NAMES, LABELS) == "new in Low (not in July)"
    assert cell_description("High", "Gone", NAMES, LABELS) == "gone from High (not in August)"
    assert period_label(date(2016, 8, 1), date(2016, 9, 10)) == "1 Aug – 10 Sep 2016"


def test_drift_bar_draws_the_reading_lines():
    table = pd.DataFrame({"feature": ["balance"], "Feature": ["Account balance (INR)"], "PSI": [0.3], "Reading": ["x"]})
    fig = drift_bar(table, 0.05, LABELS)
    assert list(fig.data[0].x) == [0.05, 0.3]
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [0.10, 0.25]


def test_compare_groups_use_their_own_colours_not_segment_colours():
    table = pd.DataFrame({"gender": ["F", "M"], "share_a": [0.5, 0.5], "share_b": [0.4, 0.6]})
    fig = group_share_bar(table, "gender", ("Segment Low", "Segment High"), "Gender")
    assert [t.marker.color for t in fig.data] == list(GROUP_COLOURS)
    assert not set(GROUP_COLOURS) & set(SEGMENT_COLOURS)
    assert group_colour_map(("Segment Low", "Segment High")) == {"Segment Low": "#7C3AED", "Segment High": "#D97706"}
