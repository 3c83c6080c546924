"""The floor under every page's time: a bare Streamlit page (a title and a metric), and the same with one plotly chart.

bench.app_bench serves this to measure what the browser and Streamlit cost before the app does anything:
``?chart=plotly`` adds one small plotly bar chart, the cost of loading plotly.js into a new page; ``?filter=1``
adds a sidebar multiselect, to time a rerun after a filter change.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor")
st.metric("Customers", "1,234")
if st.query_params.get("filter") == "1":  # a filter change's floor (kept off the bare page, whose floor it would raise)
    st.sidebar.multiselect("Segment", ["Low", "Medium", "High"], placeholder="All segments")
if st.query_params.get("chart") == "plotly":
    st.plotly_chart(go.Figure(go.Bar(x=["Low", "Medium", "High"], y=[3, 5, 2])))
