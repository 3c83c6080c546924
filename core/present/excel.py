"""Excel downloads: any table as an .xlsx workbook a marketer can hand on.

Each table is one sheet with a bold, shaded, frozen header row and an autofilter; money columns in rupees
(`₹#,##0.00`), counts with thousands separators, shares as percentages, dates as Excel dates. A last sheet,
"About", lists the dataset, the model version, the filters and when the file was made. Text is always written
as a text cell, never as a formula, and text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
CR) also gets the leading apostrophe of the CSV downloads (core.export.neutralise_formulas), so it stays text
if the sheet is re-saved as CSV or a cell is edited. Written row by row by xlsxwriter in constant-memory mode.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from core.analysis.rfm import RFM_LABELS
from core.pipeline.features import FEATURES, feature_label
from core.pipeline.rfm import SCORE_COLUMNS
from core.present.export import neutralise_formulas

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included
ABOUT_SHEET = "About"
PICTURE_SIZE = (720, 400)  # CSS pixels of a chart picture in a sheet (drawn at scale 2), the native chart's size
PICTURE_ROW = 23  # a picture under a native chart starts on this row (the chart covers rows 1-21)
NUMBER_FORMATS = {  # feature kind -> Excel number format
    "money": '"₹"#,##0.00',
    "count": "#,##0",
    "days": "#,##0",
    "hour": "0.0",
    "share": "0.0%",
    "years": "0",
    "score": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
_LABEL_KINDS = {feature_label(name): f.kind for name, f in FEATURES.items()} | {
    RFM_LABELS[c]: "score" for c in SCORE_COLUMNS
}


def column_kind(name: object, column: pd.Series) -> str | None:
    """The display kind of a column: dates by dtype; features by name or label; '(INR)' headers as money."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        dates = column.dropna()
        return "date" if bool((dates == dates.dt.normalize()).all()) else "datetime"
    if not pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return None
    text = str(name)
    if text in FEATURES:
        return FEATURES[text].kind
    if text in SCORE_COLUMNS:
        return "score"
    if text in _LABEL_KINDS:
        return _LABEL_KINDS[text]
    if text.endswith("(%)"):
        return "share"  # a 0-1 share, shown as a percentage (the report pack's wide tables)
    return "money" if text.endswith("(INR)") else None


@dataclass(frozen=True)
class SheetChart:
    """A native Excel chart drawn from its sheet's own cells, placed to the right of the table.

    `categories` and `series` are column positions of the sheet's table (0 = first column); `rows` limits the
    data rows used (None: all), e.g. to leave out a totals row. Colours go to the series in order.
    """

    kind: str  # xlsxwriter chart type: "column", "bar" or "line"
    title: str
    categories: int
    series: tuple[int, ...]
    rows: int | None = None
    subtype: str | None = None  # "stacked" or "percent_stacked"
    y_title: str = ""
    percent: bool = False  # value axis as percentages
    colours: tuple[str, ...] = ()


def _insert_chart(book: Any, sheet: Any, name: str, frame: pd.DataFrame, chart: SheetChart) -> None:
    """Draw one SheetChart next to the table written on `sheet` (named `name`)."""
    n = len(frame) if chart.rows is None else min(chart.rows, len(frame))
    if n == 0 or not chart.series:
        return
    options = {"type": chart.kind} | ({"subtype": chart.subtype} if chart.subtype else {})
    drawn = book.add_chart(options)
    for i, col in enumerate(chart.series):
        series = {
            "name": [name, 0, col],
            "categories": [name, 1, chart.categories, n, chart.categories],
            "values": [name, 1, col, n, col],
        }
        if i < len(chart.colours):
            key = "line" if chart.kind == "line" else "fill"
            series[key] = {"color": chart.colours[i]}
        drawn.add_series(series)
    drawn.set_title({"name": chart.title})
    value_axis = {"name": chart.y_title} | ({"num_format": "0%"} if chart.percent else {})
    (drawn.set_x_axis if chart.kind == "bar" else drawn.set_y_axis)(value_axis)
    drawn.set_size({"width": 720, "height": 400})
    sheet.insert_chart(1, frame.shape[1] + 1, drawn)


def _insert_picture(sheet: Any, frame: pd.DataFrame, png: bytes, below_chart: bool) -> None:
    """A chart picture (PNG drawn at twice PICTURE_SIZE) right of the table, under the native chart if any."""
    sheet.insert_image(
        PICTURE_ROW if below_chart else 1,
        frame.shape[1] + 1,
        "chart.png",
        {"image_data": io.BytesIO(png), "x_scale": 0.5, "y_scale": 0.5, "object_position": 3},
    )


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, none of []:*?/\\, not blank)."""
    base = " ".join(str(name).translate(_BAD_SHEET_CHARS).split()).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def _cells(column: pd.Series) -> list[Any]:
    """A column as Python values for the writer: None for missing, text escaped, dates as datetimes."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    if pd.api.types.is_bool_dtype(column.dtype):
        return [None if pd.isna(v) else bool(v) for v in column]
    if pd.api.types.is_numeric_dtype(column.dtype):
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        return [None if not math.isfinite(v) else v for v in values.tolist()]
    text = column.astype(object)
    text = neutralise_formulas(text.where(text.isna(), text.map(str)))
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v for v in text]


def _writer(sheet: Any, value_kind: str) -> Callable[[int, int, Any, Any], Any]:
    """The xlsxwriter method for one column's values (text always as text, never parsed as a formula)."""
    return {"number": sheet.write_number, "bool": sheet.write_boolean, "date": sheet.write_datetime}.get(
        value_kind, sheet.write_string
    )


def _value_kind(column: pd.Series) -> str:
    """'date', 'bool', 'number' or 'text'."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return "date"
    if pd.api.types.is_bool_dtype(column.dtype):
        return "bool"
    return "number" if pd.api.types.is_numeric_dtype(column.dtype) else "text"


def _width(name: str, cells: list[Any], kind: str | None) -> float:
    """A column width that fits the header and the first values (capped)."""
    sample = [c for c in cells[:200] if c is not None]
    longest = max((len(f"{c:,.2f}") if isinstance(c, float) else len(str(c)) for c in sample), default=0)
    if kind in ("date", "datetime"):
        longest = 10 if kind == "date" else 19
    return float(min(max(len(name), longest + (2 if kind == "money" else 0)) + 2, 60))


def _write_table(book: Any, sheet: Any, frame: pd.DataFrame, header_format: Any, formats: dict[str, Any]) -> None:
    """One table: header, typed cells row by row (constant-memory mode needs row order), frozen header."""
    table = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    headers = [str(v) for v in neutralise_formulas(pd.Series([str(c) for c in table.columns], dtype=object))]
    columns = [table.iloc[:, i] for i in range(table.shape[1])]
    kinds = [column_kind(name, col) for name, col in zip(table.columns, columns, strict=True)]
    cells = [_cells(col) for col in columns]
    writers = [_writer(sheet, _value_kind(col)) for col in columns]
    cell_formats = [formats.get(kind) if kind else None for kind in kinds]
    for j, header in enumerate(headers):
        sheet.write_string(0, j, header, header_format)
        sheet.set_column(j, j, _width(header, cells[j], kinds[j]))
    for i in range(len(table)):
        row = i + 1
        for j in range(len(columns)):
            value = cells[j][i]
            if value is not None:
                writers[j](row, j, value, cell_formats[j])
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, len(table), len(headers) - 1)


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    about: Sequence[tuple[str, str]],
    charts: Mapping[str, SheetChart] | None = None,
    pictures: Mapping[str, bytes] | None = None,
) -> bytes:
    """An .xlsx workbook: one formatted sheet per table (with its native chart, if `charts` has one for it, and
    its PNG picture, if `pictures` has one: under the native chart, or in its place), then an 'About' sheet of
    (item, value) lines.

    Raises ValueError when a table has more rows than an Excel sheet can hold (1,048,575 below the header).
    """
    for name, frame in sheets.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise ValueError(
                f"the table '{name}' has {len(frame):,} rows, more than an Excel sheet holds "
                f"({EXCEL_MAX_ROWS - 1:,}); download it as CSV instead"
            )
    sink = io.BytesIO()
    book = xlsxwriter.Workbook(
        sink,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    header_format = book.add_format(
        {"bold": True, "bg_color": "#E2E8F0", "bottom": 1, "text_wrap": True, "valign": "top"}
    )
    formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
    taken: set[str] = {ABOUT_SHEET}
    for name, frame in sheets.items():
        title = sheet_name(name, taken)
        sheet = book.add_worksheet(title)
        _write_table(book, sheet, frame, header_format, formats)
        if charts and name in charts:
            table = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
            _insert_chart(book, sheet, title, table, charts[name])
        if pictures and name in pictures:
            table = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
            _insert_picture(sheet, table, pictures[name], below_chart=bool(charts and name in charts))
    info = book.add_worksheet(ABOUT_SHEET)
    _write_table(book, info, pd.DataFrame(list(about), columns=["Item", "Value"], dtype=object), header_format, formats)
    info.set_column(1, 1, 100)
    book.close()
    return sink.getvalue()
