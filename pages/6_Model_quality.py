"""Page being written."""

import streamlit as st

st.title("6_Model_quality")
