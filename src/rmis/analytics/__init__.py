"""Analyses over the warehouse as Ibis expressions: one code path for DuckDB and PySpark."""
