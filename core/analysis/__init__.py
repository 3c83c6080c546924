"""Questions asked of a view of customers: filters, customer-transaction joins, sampling, aggregations for
exploring, activity, segment profiles as numbers, projections, chart selections. May import `core.pipeline`.
"""
