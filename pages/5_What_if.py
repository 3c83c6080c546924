"""Page being written."""

import streamlit as st

st.title("5_What_if")
