"""Page being written."""

import streamlit as st

st.title("1_Explore_data")
