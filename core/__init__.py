"""Core pipeline of the segmentation dashboard: no Streamlit imports anywhere in this package."""
