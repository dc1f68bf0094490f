"""Every chart carries a static SVG (image/svg+xml) beside its Vega-Lite spec, drawn by vega's own
headless renderer, so GitHub, nbviewer and nbconvert HTML show it. Real Jupyter client; the SVG
is checked for the chart's own axis labels."""

import re

from conftest import run

VL = "application/vnd.vegalite.v5+json"
SVG = "image/svg+xml"


def _final_bundles(out):
    """The data of each display as it ends, after update_display_data is applied."""
    shown, by_id = [], {}
    for m in out:
        c = m["content"]
        if m["msg_type"] in ("display_data", "execute_result"):
            shown.append(c["data"])
            did = c.get("transient", {}).get("display_id")
            if did:
                by_id[did] = len(shown) - 1
        elif m["msg_type"] == "update_display_data":
            shown[by_id[c["transient"]["display_id"]]] = c["data"]
    return shown


def test_sql_chart_has_an_svg(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, "%%sql --chart bar x=page y=views\nselect * from (values ('/home', 3), ('/docs', 5)) t(page, views)")
    assert reply["content"]["status"] == "ok"
    [data] = _final_bundles(out)
    assert VL in data and SVG in data
    assert "<svg" in data[SVG] and "/docs" in data[SVG] and "views" in data[SVG]


def test_display_vega_lite_has_an_svg_before_the_cell_ends(reused_kernel):
    _, kc = reused_kernel
    code = 'display.vegaLite({ data: { values: [{ fruit: "apple", n: 3 }, { fruit: "kiwi", n: 5 }] }, mark: "bar", encoding: { x: { field: "fruit", type: "nominal" }, y: { field: "n", type: "quantitative" } } });\nconsole.log("after")'
    reply, out = run(kc, code)
    assert reply["content"]["status"] == "ok"
    bundles = _final_bundles(out)
    assert len(bundles) == 1
    assert VL in bundles[0] and SVG in bundles[0] and "kiwi" in bundles[0][SVG]
    # The chart comes before what the cell printed after it.
    kinds = [m["msg_type"] for m in out]
    assert kinds.index("display_data") < kinds.index("stream")


def test_sql_chart_time_axis_is_24_hour_utc(reused_kernel):
    """A TIMESTAMP column is charted at the wall-clock time DuckDB returned, labelled 24-hour in UTC
    (Vega's default showed 22:14 as "10:14" with ":15" ticks between)."""
    _, kc = reused_kernel
    reply, out = run(kc, "%%sql --chart line x=ts y=n\nselect timestamp '2026-12-03 22:14:00' + to_minutes(i) as ts, i as n from range(3) t(i)")
    assert reply["content"]["status"] == "ok"
    [data] = _final_bundles(out)
    labels = re.findall(r">([^<>]{1,24})</text>", data[SVG])
    assert "22:14" in labels and "22:16" in labels, labels
    assert not any(label.startswith((":", ".")) or label.startswith("10:1") for label in labels), labels
    assert "ts (UTC)" in labels
