"""The regional hub's own HTTP API (`rmis hub serve`): nodes post signed submissions, the
region's figures and the hub's history are read back. Separate from a national node's app."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel
from sqlalchemy import Engine

from rmis.exchange import hub
from rmis.exchange.agreements import Agreements
from rmis.exchange.submission import Submission

# Journey keys of a large state are tens of megabytes; more than this is refused unread.
MAX_BODY = 256 * 1024 * 1024


class SubmissionIn(BaseModel):
    envelope: str
    signature: str


def create_hub_app(
    engine: Engine,
    agreements: Agreements,
    now: Callable[[], datetime],
    linker: Callable | None = None,
) -> FastAPI:
    """The hub's API; `linker` links journey keys (journeys.link, or the same on Spark)."""
    app = FastAPI(title="rmis regional hub", version="1")

    @app.post("/hub/v1/submissions", status_code=201)
    def submit(body: SubmissionIn):
        if len(body.envelope) > MAX_BODY:
            raise HTTPException(413, "the submission is too large")
        try:
            receipt = hub.receive(
                engine, agreements, Submission(body.envelope, body.signature), now()
            )
        except hub.Refused as refused:
            raise HTTPException(refused.status, refused.message) from refused
        answer = {
            "digest": receipt.digest,
            "recorded": receipt.recorded,
            "in_force": receipt.in_force,
        }
        if not receipt.recorded:  # a resend: the hub has it, nothing new was written
            return JSONResponse(answer, status_code=200)
        return answer

    @app.get("/hub/v1/submissions")
    def submissions(sender: str | None = None, dataflow: str | None = None):
        return hub.history(engine, sender, dataflow)

    @app.get("/hub/v1/figures/{dataflow}", response_class=PlainTextResponse)
    def figures(dataflow: str, period: str | None = Query(None)):
        frame = hub.figures(engine, dataflow, period)
        return frame.to_csv(index=False, lineterminator="\n")

    @app.get("/hub/v1/totals/{dataflow}")
    def totals(dataflow: str, period: str | None = Query(None)):
        return hub.regional_totals(engine, dataflow, period).to_dict(orient="records")

    @app.get("/hub/v1/journeys")
    def journeys(period: str | None = Query(None)):
        """Journeys across the region by the states they passed (on journey keys alone)."""
        return _records(hub.journeys(engine, agreements, period, linker))

    @app.get("/hub/v1/mirror")
    def mirror(period: str | None = Query(None)):
        """A's exits to B against B's entries from A, and the journeys that explain them."""
        return _records(hub.mirror(engine, agreements, period, linker))

    @app.get("/hub/v1/corridors")
    def corridors(period: str | None = Query(None)):
        """Linked border crossings per month and corridor."""
        return _records(hub.corridors(engine, agreements, period, linker))

    @app.get("/hub/v1/transit")
    def transit(period: str | None = Query(None)):
        """Per month and state, the journeys that passed through it."""
        return _records(hub.transit(engine, agreements, period, linker))

    @app.get("/hub/v1/warnings")
    def warnings(on: date | None = None):
        """Regional early warning: arrivals per host state and border breaking out."""
        return _records(hub.warnings(engine, agreements, on))

    @app.get("/hub/v1/health")
    def health():
        return {"status": "ok"}

    return app


def _records(frame) -> list[dict]:
    """Rows as JSON objects; a suppressed cell is null."""
    return json.loads(frame.to_json(orient="records"))
