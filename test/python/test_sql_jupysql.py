"""jupysql's ways of composing queries, as its users write them: --save / --with (saved queries
become CTEs, also when only named), --no-execute, and `<<` assignment. Real Jupyter client."""

from conftest import run

VALUES = "select * from (values ('/a', 10), ('/b', 1), ('/c', 7)) t(page, views)"


def _rows(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, [m["msg_type"] for m in out]
    return results[-1]["content"]["data"]["application/vnd.dataresource+json"]["data"]


def test_save_and_with_compose_queries_as_ctes(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, f"%%sql --save busy --no-execute\n{VALUES}\nwhere views > 5")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert not [m for m in out if m["msg_type"] == "execute_result" and "application/vnd.dataresource+json" in m["content"]["data"]]
    # Named in a later query: added as a CTE (jupysql infers it); --with says it explicitly.
    reply, out = run(kc, "%%sql\nselect count(*)::INT as n from busy")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert _rows(out) == [{"n": 2}]
    reply, out = run(kc, "%%sql --with busy\nselect page from busy order by page")
    assert _rows(out) == [{"page": "/a"}, {"page": "/c"}]
    # A saved query may use another; --save without --no-execute also runs it.
    reply, out = run(kc, "%%sql --save busiest\nselect page from busy order by views desc limit 1")
    assert _rows(out) == [{"page": "/a"}]
    reply, out = run(kc, "%sql select page || '!' as p from busiest")
    assert _rows(out) == [{"p": "/a!"}]
    # A query with its own WITH keeps it.
    reply, out = run(kc, "%%sql\nwith x as (select 1 as one) select one, (select count(*)::INT from busy) as n from x")
    assert _rows(out) == [{"one": 1, "n": 2}]
    # An error in the cell's own query is reported at the cell's line, not the composed query's.
    reply, _ = run(kc, "%%sql --with busy\nselect *\nfrom busy\nwhere nosuchcol > 1")
    assert reply["content"]["status"] == "error" and "(cell line 4)" in reply["content"]["evalue"], reply["content"]["evalue"]
    reply, _ = run(kc, "%%sql --with nosuch\nselect 1")
    assert reply["content"]["status"] == "error" and "nosuch" in reply["content"]["evalue"]


def test_summarize_profiles_a_table(reused_kernel):
    _, kc = reused_kernel
    run(kc, f"%%sql\ncreate table pv as {VALUES}")
    reply, out = run(kc, "%sql summarize pv")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert [r["column_name"] for r in _rows(out)] == ["page", "views"]


def test_double_angle_assignment(reused_kernel):
    _, kc = reused_kernel
    reply, _ = run(kc, f"%%sql pages <<\n{VALUES}\norder by page")
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, out = run(kc, "pages.map((r) => r.page).join()")
    assert [m for m in out if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "'/a,/b,/c'"
    reply, _ = run(kc, "%sql total << select sum(views)::INT as s from (values (1), (2)) t(views)")
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, out = run(kc, "total[0].s")
    assert [m for m in out if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "3"
