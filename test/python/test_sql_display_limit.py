"""Every output of a %%sql cell respects the display limit (jupysql's `displaylimit`): the HTML,
the text and the application/vnd.dataresource+json a notebook saves. Real Jupyter client."""

import json

from conftest import run


def _data(out):
    return [m for m in out if m["msg_type"] == "execute_result"][-1]["content"]["data"]


def test_a_large_result_writes_only_the_rows_shown(kernel):
    _, kc = kernel
    reply, out = run(kc, "%%sql -o everything\nselect range as n, 'row ' || range as label from range(300000)", timeout=60)
    assert reply["content"]["status"] == "ok"
    data = _data(out)
    assert len(data["application/vnd.dataresource+json"]["data"]) == 50
    assert data["text/html"].count("<tr>") == 51  # header + 50
    assert "showing 50 of 300,000 rows" in data["text/html"]
    assert "showing 50 of 300,000 rows" in data["text/plain"]
    assert len(json.dumps(data)) < 50_000, "the saved output is small"
    # -o still assigns every row.
    reply, out = run(kc, "everything.length")
    assert _data(out)["text/plain"] == "300000"


def test_limit_per_cell_and_displaylimit_for_the_kernel(kernel):
    _, kc = kernel
    reply, out = run(kc, "%%sql --limit 5\nselect * from range(20)")
    data = _data(out)
    assert len(data["application/vnd.dataresource+json"]["data"]) == 5
    assert "showing 5 of 20 rows" in data["text/plain"]

    reply, out = run(kc, "%config SqlMagic.displaylimit = 7")
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, out = run(kc, "%sql select * from range(20)")
    assert len(_data(out)["application/vnd.dataresource+json"]["data"]) == 7
    reply, out = run(kc, "%config SqlMagic.displaylimit")
    assert "7" in _data(out)["text/plain"]

    # 0 shows every row, as in jupysql.
    run(kc, "%config SqlMagic.displaylimit = 0")
    reply, out = run(kc, "%sql select * from range(120)")
    data = _data(out)
    assert len(data["application/vnd.dataresource+json"]["data"]) == 120
    assert "120 rows" in data["text/plain"] and "showing" not in data["text/plain"]

    reply, _ = run(kc, "%config SqlMagic.displaylimit = many")
    assert reply["content"]["status"] == "error"
    reply, _ = run(kc, "%config SqlMagic.nosuchsetting = 1")
    assert reply["content"]["status"] == "error"
