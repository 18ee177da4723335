"""The formats the analyses can be written in, as the command line names them."""

from __future__ import annotations

# The formats of rmis.analytics.export.write (and "table", the terminal), spelled out so that
# building the commands does not import the analytics room (pandas); tests/cli checks that the
# two agree.
FORMATS = ("table", "csv", "json", "parquet", "excel", "sdmx")
