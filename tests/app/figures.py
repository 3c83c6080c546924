"""Reading the plotly figures an AppTest page drew: plotly JSON with binary arrays decoded to plain lists."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np


def _decode(value: Any) -> Any:
    """Plotly's typed arrays ({'dtype': 'f8', 'bdata': ..., 'shape': ...}) as nested lists, everywhere."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def figures(at) -> list[dict]:
    """Every plotly chart on the page as a dict (data, layout), in page order."""
    return [_decode(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]


def titles(at) -> list[str]:
    """The title of each plotly chart on the page."""
    return [fig["layout"]["title"]["text"] for fig in figures(at)]


def figure(at, title_start: str) -> dict:
    """The first chart whose title starts with the given text."""
    return next(f for f in figures(at) if f["layout"]["title"]["text"].startswith(title_start))
