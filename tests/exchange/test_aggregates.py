"""A node's aggregates: counted on its own warehouse, suppressed, totals true."""

from __future__ import annotations

import pandas as pd
import pytest

from rmis.analytics import connect, open_warehouse
from rmis.exchange.aggregates import DATAFLOWS, count, payload, read_payload
from rmis.reference.stay_rules import load_stay_rules


def _warehouse(node):
    return open_warehouse(node.data_dir / "warehouse", connect("duckdb"))


@pytest.mark.parametrize("dataflow", sorted(DATAFLOWS))
def test_a_period_is_counted_suppressed_and_totalled(nodes, dataflow):
    spec = DATAFLOWS[dataflow]
    truth = count(_warehouse(nodes["KAZ"]), dataflow, "2026-03", load_stay_rules())
    assert len(truth) and set(truth.host_state) == {"KAZ"}
    text = payload(truth, dataflow, "2026-03", k=5)
    sent = read_payload(text)
    assert set(sent.TIME_PERIOD) == {"2026-03"}
    assert set(sent.DATAFLOW) == {f"RMIS:{dataflow}(1.0)"}
    cells = sent[(sent.HOST_STATE == "KAZ") & (sent.NATIONALITY != "_T")]
    people = cells[spec.people == cells.MEASURE]
    shown = people[people.CONF_STATUS == "F"].OBS_VALUE.astype(int)
    assert (shown >= 5).all()
    hidden = cells[cells.CONF_STATUS == "C"]
    assert (hidden.OBS_VALUE == "").all()
    grand = sent[(sent.NATIONALITY == "_T") & (sent.HOST_STATE == "_T")]
    for measure in spec.additive:
        total = grand[measure == grand.MEASURE].OBS_VALUE
        if len(total):
            assert int(total.iloc[0]) == int(pd.to_numeric(truth[measure]).sum())
