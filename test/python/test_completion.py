"""complete_request for magics and %%sql cells, through a real Jupyter client (jupyter_client)."""

from conftest import run


def complete(kc, code, cursor_pos=None):
    msg_id = kc.complete(code, len(code) if cursor_pos is None else cursor_pos)
    while True:
        reply = kc.get_shell_msg(timeout=20)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def test_magic_names_complete(reused_kernel):
    _, kc = reused_kernel
    c = complete(kc, "%jo")
    assert c["status"] == "ok" and "%jobs" in c["matches"]
    assert (c["cursor_start"], c["cursor_end"]) == (0, 3)
    assert "%%sql" in complete(kc, "%%s")["matches"]
    assert "%sql" in complete(kc, "%s")["matches"]


def test_sql_cells_complete_tables_and_columns_from_the_catalog(reused_kernel):
    _, kc = reused_kernel
    reply, _ = run(kc, "%%sql\ncreate table page_visits (window_start timestamp, page_name varchar, views integer);\ncreate view busiest_pages as select page_name from page_visits")
    assert reply["content"]["status"] == "ok"
    code = "%%sql\nselect page_n, views\nfrom page_vi"
    c = complete(kc, code)
    assert c["matches"] == ["page_visits"]
    assert (c["cursor_start"], c["cursor_end"]) == (len(code) - len("page_vi"), len(code))
    c = complete(kc, code, cursor_pos=len("%%sql\nselect page_n"))
    assert "page_name" in c["matches"]
    assert "busiest_pages" in complete(kc, "%%sql\nselect * from busi")["matches"]
    assert "page_visits" in complete(kc, "%sql select * from page_v")["matches"]
    assert complete(kc, "%%sql\nselect v.page_na")["matches"] == ["page_name"]
    # TypeScript cells still complete as TypeScript.
    assert "max" in complete(kc, "Math.ma")["matches"]
