"""Command line: `python -m core.score --model DATASET --input PATH --out DIR` (runs core.scoring.rescore)."""

from __future__ import annotations

import sys

from core.scoring.rescore import main

if __name__ == "__main__":
    sys.exit(main())
