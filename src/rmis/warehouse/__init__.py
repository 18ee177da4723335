"""The analysis warehouse: the registry exported incrementally into Hive-partitioned Parquet.

Layout and columns: docs/warehouse.md.
"""
