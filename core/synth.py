"""Command line: `python -m core.synth --rows N --seed S --out PATH` (the generator is core.pipeline.synth)."""

from __future__ import annotations

from core.pipeline.synth import main

if __name__ == "__main__":
    main()
