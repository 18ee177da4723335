"""Analyses over the warehouse (Ibis on DuckDB, or PySpark): flows, stock, overstays, movement
types, state roles, mirror statistics, data gaps, early warning of surges, forecasts, exports.
Every count of people counts persons as the record links them (the warehouse's person_key).

This is the room's one door: other rooms use what is named here and nothing else of analytics.
`quick` answers them from the pre-aggregates the sync keeps (`summarise`): what the CLI, the
report and the analyst's dashboard read. Importing it loads Ibis and pandas; SciPy and
statsmodels load only when surges are scored or forecasts made.
"""

from rmis.analytics import early_warning, quick
from rmis.analytics.dimensions import AGE_BANDS, PERIODS, UnknownDimension
from rmis.analytics.disclosure import TOTAL, Protected, margins, protect
from rmis.analytics.early_warning import (
    SERIES_KEYS,
    DetectorSettings,
    Scores,
    Severity,
    Surge,
    first_day,
    score,
    score_against,
    surges,
    surges_frame,
)
from rmis.analytics.engine import (
    ENGINES,
    SparkUnavailable,
    Warehouse,
    WarehouseMissing,
    WarehouseOutdated,
    connect,
    java_problem,
    open_warehouse,
    spark_session,
    with_people,
)
from rmis.analytics.export import FORMATS, suppress_small, to_sdmx_csv, write
from rmis.analytics.filters import FilterError, Filters
from rmis.analytics.flows import DIMENSIONS as FLOW_DIMENSIONS
from rmis.analytics.flows import corridor_legs, flows
from rmis.analytics.forecast import (
    Forecast,
    arrivals_by_week,
    forecast,
    forecast_frame,
    forecast_series,
    horizon_week,
    last_full_week_end,
    weekly_matrix,
)
from rmis.analytics.gaps import data_gaps
from rmis.analytics.mirror import mirror
from rmis.analytics.overstays import (
    LINK_ORDER,
    Overstays,
    find_overstays_on,
    overstays_by_nationality,
    overstays_by_state,
)
from rmis.analytics.period import DataPeriod, data_period
from rmis.analytics.state_roles import state_roles
from rmis.analytics.stays import stays
from rmis.analytics.stock import DIMENSIONS as STOCK_DIMENSIONS
from rmis.analytics.stock import stock_curve, stock_curve_of_stays, stock_on, stock_on_stays
from rmis.analytics.summaries import summarise
from rmis.analytics.typology import MOVEMENT_TYPES, movement_types, typology_with_documents

__all__ = [
    "AGE_BANDS",
    "ENGINES",
    "FLOW_DIMENSIONS",
    "FORMATS",
    "LINK_ORDER",
    "MOVEMENT_TYPES",
    "PERIODS",
    "SERIES_KEYS",
    "STOCK_DIMENSIONS",
    "TOTAL",
    "DataPeriod",
    "DetectorSettings",
    "FilterError",
    "Filters",
    "Forecast",
    "Overstays",
    "Protected",
    "Scores",
    "Severity",
    "SparkUnavailable",
    "Surge",
    "UnknownDimension",
    "Warehouse",
    "WarehouseMissing",
    "WarehouseOutdated",
    "arrivals_by_week",
    "connect",
    "corridor_legs",
    "data_gaps",
    "data_period",
    "early_warning",
    "find_overstays_on",
    "first_day",
    "flows",
    "forecast",
    "forecast_frame",
    "forecast_series",
    "horizon_week",
    "java_problem",
    "last_full_week_end",
    "margins",
    "mirror",
    "movement_types",
    "open_warehouse",
    "overstays_by_nationality",
    "overstays_by_state",
    "protect",
    "quick",
    "score",
    "score_against",
    "spark_session",
    "state_roles",
    "stays",
    "stock_curve",
    "stock_curve_of_stays",
    "stock_on",
    "stock_on_stays",
    "summarise",
    "suppress_small",
    "surges",
    "surges_frame",
    "to_sdmx_csv",
    "typology_with_documents",
    "weekly_matrix",
    "with_people",
    "write",
]
