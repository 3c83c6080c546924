"""Bring your own data: upload transactions or pick a server file, check quality, train a named dataset, manage them."""

import streamlit as st

from ui.data_sections import datasets_section, server_section, show_flash, upload_section
from ui.page import open_page
from ui.sidebar import sidebar_query_filters

st.set_page_config(page_title="Data · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Your data", "Which data is the dashboard showing, and how do I bring my own transactions?")
sidebar_query_filters(artifacts)  # keeps the shared filters in the URL while on this page
show_flash()
upload_section()
server_section()
datasets_section()
