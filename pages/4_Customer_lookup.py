"""Page being written."""

import streamlit as st

st.title("4_Customer_lookup")
