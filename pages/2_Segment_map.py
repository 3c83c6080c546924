"""Page being written."""

import streamlit as st

st.title("2_Segment_map")
