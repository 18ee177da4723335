"""The analyst's first page: one self-contained HTML report over the warehouse (`rmis report`)."""
