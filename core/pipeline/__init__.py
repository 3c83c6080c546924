"""Raw file -> artifacts: load, clean, quality report, customer features, segments, classifiers, evaluation,
persistence, training and the upload workflow. Imports only `core.config`, `core.errors` and itself.
"""
