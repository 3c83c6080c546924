"""How things are shown, without streamlit: formats and labels, charts, narrative sentences, the model
report, CSV export, markdown escaping. May import `core.pipeline` and `core.analysis`.
"""
