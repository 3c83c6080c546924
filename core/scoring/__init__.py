"""Fitted models -> customers: scores, explanations, what-if fields and next-segment moves, lookups, batch
uploads. May import `core.pipeline`, `core.analysis` and `core.present`.
"""
