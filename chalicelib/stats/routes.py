"""``GET /public/stats/processing-times``: published, no token, one Query per request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import PUBLIC
from chalicelib.api.routing import Call, Reply, route
from chalicelib.refusals import Refusal

if TYPE_CHECKING:
    from chalicelib.stats import report
    from chalicelib.stats.schemas import ProcessingTimes, ProcessingTimesQuery

SCHEMAS = "chalicelib.stats.schemas"  # models named, imported on first use

stats = Blueprint(__name__)
# The figures move a few times a day per office: caches and browsers may keep them 5 min.
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


@route(
    stats,
    "GET",
    "/public/stats/processing-times",
    summary="Days from submission to decision over the last 90 days (whole months)",
    access=PUBLIC,
    tags=("transparency",),
    query=f"{SCHEMAS}:ProcessingTimesQuery",
    response=f"{SCHEMAS}:ProcessingTimes",
    errors=(404,),
)
def get_processing_times(call: Call) -> Reply:
    from chalicelib.stats import report, rules  # the aggregates' reader: on first use
    from chalicelib.workflow import registry

    query: ProcessingTimesQuery = call.query
    try:
        machine = registry.machine_for(query.service)
    except KeyError:
        raise Refusal("not-found", f"There is no service {query.service!r}.") from None
    today = rules.local_day(clock.now())
    result = report.processing_times(machine, query.office, today)
    return Reply(_view(result).model_dump(mode="json"), headers=PUBLIC_CACHE)


def _view(result: report.Report) -> ProcessingTimes:
    from chalicelib.stats.schemas import ProcessingTimes, StatsWindow

    summary = result.summary
    return ProcessingTimes(
        service=result.service,
        office=result.office,
        window=StatsWindow(
            start=result.window.start, end=result.window.end, months=list(result.window.months)
        ),
        decided=summary.decided,
        median_days=summary.median_days,
        p90_days=summary.p90_days,
        within_legal_time=summary.within,
        within_legal_time_share=summary.within_share,
        legal_days=result.legal_days,
    )
