"""The job card (`%jobs show JOB --graph`, `job.show({ details: true })`) through a real kernel and jupyter_client:
the operator graph appears, its numbers change in place while the job runs, a slow sink colours its upstream as
back-pressured, and the final state is kept when the job ends."""

import re
import time
import uuid
from unittest.mock import ANY

from conftest import run
from nbconvert.filters.strings import clean_html

HIGH = "#ef9a9a"  # the card's fill for Flink's HIGH back-pressure level

SLOW_JOB = """const envCard = StreamEnvironment.create({ batchSize: 16, channelCapacity: 32 });
envCard.fromSource(DataGen.pageViews({ seed: 4, rate: 5000 })).name("views")
  .map((v) => v.page).name("pages")
  .sinkTo(sinks.callback<string>(async () => { await new Promise((r) => setTimeout(r, 20)); }));
const carded = envCard.execute("carded");
"""


def _card_updates(kc, display_id, seconds, until=None):
    """HTML of every update of `display_id` seen on iopub for `seconds`, or until `until(htmls)` holds: a
    condition awaited with a generous deadline, not a count expected within a short time on a loaded machine."""
    htmls = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until(htmls)):
        try:
            m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:  # noqa: BLE001 - queue.Empty when nothing more arrives before the deadline
            break
        if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == display_id:
            htmls.append(m["content"]["data"]["text/html"])
    return htmls


def _box(html, operator):
    return next(g for g in html.split('<g class="operator"') if f"<title>{operator} [" in g)


def _records_in(html, operator):
    return int(re.search(r">in ([\d,]+) ·", _box(html, operator)).group(1).replace(",", ""))


def _high(html, operator):
    """The operator's box is coloured and labelled HIGH in this one update (both come in the same one)."""
    box = _box(html, operator)
    return f'fill="{HIGH}"' in box and "back-pressure HIGH" in box


def test_graph_appears_updates_in_place_and_shows_back_pressure(kernel):
    _, kc = kernel
    reply, _ = run(kc, SLOW_JOB)
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, out = run(kc, "%jobs show carded --graph")
    assert reply["content"]["status"] == "ok", reply["content"]
    cards = [m for m in out if m["msg_type"] == "display_data" and "sluice-job-card" in m["content"]["data"].get("text/html", "")]
    assert len(cards) == 1, [m["msg_type"] for m in out]
    display_id = cards[0]["content"]["transient"]["display_id"]
    first = cards[0]["content"]["data"]["text/html"]
    assert "<svg" in first and "views" in first and "pages" in first
    assert "parallelism 1" in first
    # Read until what is asserted has happened (three updates, a higher count, the source HIGH in one of
    # them): the level is sampled, so a later update may show it LOW for a moment.
    updates = _card_updates(kc, display_id, 60, until=lambda u: len(u) >= 3 and _records_in(u[-1], "pages") > _records_in(first, "pages") and any(_high(h, "views") for h in u))
    assert len(updates) >= 3, "the card is not updated in place while the job runs"
    assert _records_in(updates[-1], "pages") > _records_in(first, "pages")
    assert any(_high(h, "views") for h in updates), "a slow sink's upstream is never shown HIGH"
    # The final state is published while the cancelling cell runs, also as that cell's message (as live views are).
    _, out = run(kc, "await carded.cancel(); await new Promise((r) => setTimeout(r, 300)); 'done'")
    final = [m["content"]["data"]["text/html"] for m in out if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == display_id]
    if not (final and "cancelled" in final[-1]):  # awaited if it was not among them
        final += _card_updates(kc, display_id, 60, until=lambda u: bool(u) and "cancelled" in u[-1])
    final += _card_updates(kc, display_id, 1)  # a second more: no update may follow the final state
    assert final and "cancelled" in final[-1], "the card's final state does not say the job ended"
    # Where HTML is sanitized (GitHub, `jupyter nbconvert --sanitize-html`, untrusted notebooks) inline SVG is
    # dropped or escaped; the Operators table keeps the graph's figures. nbconvert's own sanitizer is the judge.
    safe = clean_html(final[-1])
    assert "<svg" not in safe
    row = re.search(r"<tr><td>pages \[2\]</td><td>1</td><td>([\d,]+)</td><td>([\d,]+)</td>", safe)
    assert row and int(row.group(1).replace(",", "")) == _records_in(final[-1], "pages"), safe


def test_job_show_details_gives_the_card_and_plain_show_does_not(kernel):
    _, kc = kernel
    run(kc, SLOW_JOB)
    _, plain = run(kc, "carded.show(); 'shown'")
    assert not any("sluice-job-card" in m["content"].get("data", {}).get("text/html", "") for m in plain if m["msg_type"] == "display_data")
    _, detailed = run(kc, "carded.show({ details: true }); 'shown'")
    assert any("sluice-job-card" in m["content"]["data"].get("text/html", "") for m in detailed if m["msg_type"] == "display_data")
    run(kc, "await carded.cancel()")


def _comm_request(kc, comm_id, data, timeout=30):
    """Sends a comm_msg on `comm_id` and returns the kernel's answer for it (matched by request id)."""
    request = uuid.uuid4().hex
    kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {**data, "request": request}}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id and m["content"]["data"].get("request") == request:
            return m["content"]["data"]
    raise AssertionError(f"no answer to {data}")


def test_card_buttons_act_through_the_sluice_jobs_comm(kernel, tmp_path):
    _, kc = kernel
    code = SLOW_JOB.replace(
        "const envCard = StreamEnvironment.create({ batchSize: 16, channelCapacity: 32 });",
        f"const envCard = StreamEnvironment.create({{ batchSize: 16, channelCapacity: 32 }}).enableCheckpointing({{ directory: {str(tmp_path)!r} }});",
    )
    run(kc, code)
    _, out = run(kc, "%jobs show carded --graph")
    html = next(m["content"]["data"]["text/html"] for m in out if m["msg_type"] == "display_data" and "sluice-job-card" in m["content"]["data"].get("text/html", ""))
    assert 'class="sluice-job-actions" style="display:none' in html, "buttons are hidden unless the extension shows them"
    job_id = re.search(r'data-sluice-action="cancel" data-sluice-job="([^"]+)"', html).group(1)

    comm_id = uuid.uuid4().hex
    kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "sluice.jobs", "data": {}}))
    comms = kc.comm_info(target_name="sluice.jobs", reply=True, timeout=10)["content"]["comms"]
    assert comms == {comm_id: {"target_name": "sluice.jobs"}}
    assert _comm_request(kc, comm_id, {"action": "explode", "job": job_id}) == {"request": ANY, "ok": False, "message": ANY}
    unknown = _comm_request(kc, comm_id, {"action": "cancel", "job": "nope"})
    assert unknown["ok"] is False and "no job with id" in unknown["message"]
    saved = _comm_request(kc, comm_id, {"action": "savepoint", "job": job_id})
    assert saved["ok"] is True and str(tmp_path) in saved["message"], saved
    stopped = _comm_request(kc, comm_id, {"action": "stop", "job": job_id, "savepoint": "from-button"})
    assert stopped["ok"] is True and "finished" in stopped["message"] and "from-button" in stopped["message"], stopped
    again = _comm_request(kc, comm_id, {"action": "cancel", "job": job_id})
    assert again == {"request": ANY, "ok": False, "message": 'job "carded" is already finished'}
    reply, _ = run(kc, "carded.status")
    assert reply["content"]["status"] == "ok"
