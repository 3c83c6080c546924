"""Questions about a dataset answered by DuckDB queries over its Parquet files, not by frames held in memory.

`source` opens one artifact version read-only, `predicates` turns the sidebar's Filters (and saved audience rules)
into a parameterised WHERE clause, `aggregates` answers the pages' numbers, `lookup` finds customers by ID and
`export` streams a customer list to a CSV file. Results equal the pandas functions they replace (tests).
"""
