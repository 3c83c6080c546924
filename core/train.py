"""Command line: `python -m core.train --input PATH --out DIR [--k 3] [--seed 0]` (runs core.pipeline.train)."""

from __future__ import annotations

import sys

from core.pipeline.train import main

if __name__ == "__main__":
    sys.exit(main())
