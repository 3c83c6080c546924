"""Paths, column names and tunable constants in one place."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Tests and side-by-side installs point the app at another data folder with this variable.
DATA_DIR = Path(os.environ.get("SEGMENTATION_DATA_DIR", ROOT / "data"))
DATASETS_DIR = DATA_DIR / "datasets"  # one sub-folder of artifacts per named dataset
DEFAULT_DATASET = "default"
DEFAULT_RAW_PATH = DATA_DIR / "raw" / "default_transactions.csv.gz"
# Server-side folders whose files the Data page may train on (bigger than a browser upload). Set by the operator
# (os.pathsep-separated), never by a user: the page offers only what it finds inside these folders.
SERVER_INPUT_DIRS: tuple[Path, ...] = tuple(
    Path(p) for p in os.environ.get("SEGMENTATION_SERVER_INPUTS", str(DATA_DIR / "inbox")).split(os.pathsep) if p
)
# Saved audiences (core/pipeline/audience_store.py): unset, each dataset keeps them in a SQLite file beside its
# versions; a SQLAlchemy URL (postgresql://user:password@host:5432/db) puts every dataset's in one shared table,
# for a team running several app servers. Set by the operator, never by a user.
AUDIENCE_DB_URL: str | None = os.environ.get("SEGMENTATION_AUDIENCE_DB", "").strip() or None
AUDIENCE_DB_TIMEOUT_S = 5  # seconds to wait for the audience database server before saying it can't be reached

# The raw schema of the public "Bank Customer Segmentation (1M+ transactions)" dataset, in file order.
RAW_COLUMNS: tuple[str, ...] = (
    "TransactionID",
    "CustomerID",
    "CustomerDOB",
    "CustGender",
    "CustLocation",
    "CustAccountBalance",
    "TransactionDate",
    "TransactionTime",
    "TransactionAmount (INR)",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("CustomerID", "TransactionDate", "TransactionAmount (INR)")
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(c for c in RAW_COLUMNS if c not in REQUIRED_COLUMNS)

PUBLIC_DATASET_ROWS = 1_048_567  # rows of the public dataset: the scale its published counts refer to
DEFAULT_ROWS = int(os.environ.get("SEGMENTATION_DEFAULT_ROWS", PUBLIC_DATASET_ROWS))  # tests build a smaller default
DEFAULT_SEED = 0
DEFAULT_K = 3
MIN_K, MAX_K = 2, 8
MAX_SEED = 2**32 - 1  # numpy and scikit-learn accept seeds 0 .. 2**32 - 1

MIN_AGE, MAX_AGE = 18, 100
# Plausible bounds (stated in the README; every value outside them is counted in the quality report). The
# public data's largest amount is about 1.6 M INR and its largest balance about 115 M INR; the ceilings sit far
# above any real retail value and far below what overflows the models (float32 tops out near 3.4e38, and a
# customer's total over 5 M rows stays far from float64's limit).
MAX_AMOUNT_INR = 1e10  # 1,000 crore: a larger transaction amount excludes its row
MAX_BALANCE_INR = 1e12  # 1 lakh crore: a larger balance (either sign) is left empty
MIN_TRANSACTION_DATE = date(1980, 1, 1)  # earlier dates are placeholders (1/1/1800, 1/1/1900) or typos: excluded
PLACEHOLDER_DOB_YEAR = 1800
MAX_TEXT_LENGTH = 200  # longer text cells are cut to this, and counted in the quality report
MAX_UPLOAD_ROWS = 5_000_000  # stated limit: larger files are refused before any work is done
MAX_UPLOAD_MB = 400  # mirrors server.maxUploadSize in .streamlit/config.toml
# Model signing (core/pipeline/signing.py): the key lives outside the data folder, so write access to the data
# folder alone cannot get a planted pickle loaded. secrets.toml's [model_signing] key wins when present.
SIGNING_KEY_FILE = Path(
    os.environ.get("SEGMENTATION_KEY_FILE", Path.home() / ".config" / "segment-studio" / "model-signing.key")
)
SECRETS_FILE = Path(os.environ.get("SEGMENTATION_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
REAL_DATA_DIR = ROOT.parent / "shared" / "data" / "real"  # real rows for validation only; never copied here

# ---- tunables: sample sizes, limits and plot caps
MAX_SCATTER_POINTS = 50_000  # WebGL stays smooth up to here; larger inputs are sampled (and the title says so)
SEARCH_ROUNDS = 3  # a grid of SEARCH_POINTS, refined SEARCH_ROUNDS times: 1000x range to about 0.02%
SEARCH_POINTS = 32  # grid points per round of the next-segment search
MAX_RAISE = 1000.0  # the next-segment search tries raises of up to this many times a money feature
MAX_LOOKUP = 5_000  # IDs looked up at once; more are reported as skipped
MAX_DETAILS = 20  # customers shown one by one below the summary table
MAX_ID_OPTIONS = 5_000  # IDs offered in the picker (the whole base would be 884k options)
TOP_REASONS = 3  # features listed as what sets a customer apart
TOP_LOCATIONS_PER_SEGMENT = 5  # locations shown per segment in the demographic mix
CORRELATION_SAMPLE = 100_000  # ranks of 100k rows estimate a correlation to about +-0.005
MAX_LOCATION_OPTIONS = 3_000  # the long tail beyond this holds a handful of customers each
BACKGROUND_POINTS = 3_000  # faint customers behind the what-if star: enough to see each segment's cloud
STREAM_DOWNLOAD_ROWS = int(os.environ.get("SEGMENTATION_STREAM_ROWS", 100_000))  # longer lists stream from disk
MAX_SHOWN_ROWS = 1_000  # rows of a scored upload shown in the page (the download has all)
PREVIEW_ROWS = 20  # rows of an upload shown before training
LIST_ROWS = 1_000  # rows of a customer list drawn on a page (a stratified sample, said so); downloads have them all
# Points drawn on the Segment map: a stratified sample this size keeps WebGL smooth and every segment visible
# (selections still list every customer inside the shape). The browser tests draw fewer, so the sample is real.
MAP_POINTS = int(os.environ.get("SEGMENTATION_MAP_POINTS", 20_000))
# Segment movement keeps each re-scored period as a working table of the version's query source (about 60 MB per
# 500,000 customers); the least recently made beyond this many are dropped (and made again when asked for).
MOVEMENT_TABLES = 6
# Above this many customers the server start does not re-score Segment movement's default halves. At 8.5M
# customers that now takes about 3 s of both cores (it took 30 s before the periods were aggregated per customer
# row, when the pages visited meanwhile slowed from 5.3 to 15.5 s); in the browser benchmark, which visits the
# page about 25 s after the start, the first visit fell from 4.1-4.2 to 2.7-3.2 s (1.2 s once it has finished) and
# the page visited while it runs (Audiences) rose from 0.5 to 0.9-1.0 s. The working tables (about 1.4 GB at
# 8.5M, within APP_QUERY_MEMORY_LIMIT: it spills beyond) are what a first visit would make anyway. At 85M it would
# be minutes of both cores, so it stops here.
MOVEMENT_WARM_UP_CUSTOMERS = 12_000_000
MOVEMENT_WARM_UP_PAUSE_S = 8.0  # after Home's warm-up: the first visitor's Home is drawn meanwhile
MOVEMENT_LIST_ROWS = 1_000  # customers of one from -> to cell drawn on the page (the download has them all)

# Engines (core.pipeline.engine). DuckDB spills to a temporary folder beyond its memory limit.
ENGINE_MEMORY_LIMIT = os.environ.get("SEGMENTATION_MEMORY_LIMIT", "4GB")
ENGINE_THREADS = int(os.environ.get("SEGMENTATION_THREADS", "0")) or None  # None: every core
# The app's query engine (core.analysis.sql.source): with Python, Streamlit and the models beside it, the server
# stays within about 2 GB; past the limit DuckDB spills its working tables to a temporary folder.
APP_QUERY_MEMORY_LIMIT = os.environ.get("SEGMENTATION_APP_MEMORY_LIMIT", "1.5GB")
# At most this many customers (a seeded random sample) fit K-Means and the forests; every customer is then
# assigned by the same rule in the engine. The default dataset (886,996 customers) fits on all of them.
PARQUET_ROW_GROUP_ROWS = 100_000  # customers per Parquet row group: a lookup by id reads one group, not the file
# The artifacts' Parquet codec (DuckDB and pyarrow both read and write it as LZ4_RAW). The app scans these files on
# every query, and LZ4 decodes about twice as fast as zstd: an aggregate of six columns over 10M customers took
# 0.20 s against 0.38-0.47 s, for a customers file of 297 MB against 223 MB.
PARQUET_COMPRESSION = "lz4"
FIT_SAMPLE_CUSTOMERS = int(os.environ.get("SEGMENTATION_FIT_SAMPLE", "1000000"))
IN_MEMORY_INPUT_MB = (
    100  # `core.train --input` files up to this size go through the file loader, larger ones the engine
)
# Chart pictures (kaleido drives this browser; nothing is downloaded). The operator may point at another Chrome.
CHROMIUM_PATH = Path(os.environ.get("SEGMENTATION_CHROMIUM", "/usr/bin/chromium"))
IMAGE_TIMEOUT_S = 60.0  # at most this long to start the browser and draw one batch of pictures
