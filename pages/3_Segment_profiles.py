"""Page being written."""

import streamlit as st

st.title("3_Segment_profiles")
