"""The names of the files in one artifact version folder (a leaf: persistence writes them, signing signs them)."""

CUSTOMERS_FILE = "customers.parquet"
TRANSACTIONS_FILE = "transactions.parquet"
MODELS_FILE = "models.joblib"
QUALITY_FILE = "quality.json"
CARD_FILE = "model_card.json"
CHECKED_FILES = (CUSTOMERS_FILE, TRANSACTIONS_FILE, MODELS_FILE, QUALITY_FILE)  # each has a sha256 in the card
AUDIENCE_FILE = "audiences.sqlite"  # beside a dataset's version folders (core.pipeline.audience_store)
AUDIENCE_FILES = (AUDIENCE_FILE, f"{AUDIENCE_FILE}-journal", f"{AUDIENCE_FILE}-wal", f"{AUDIENCE_FILE}-shm")
