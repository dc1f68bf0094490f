"""The boundary between cells and the kernel's hooks into the engine, through a real kernel
(jupyter_client over ZeroMQ): a cell cannot name or import the host interface, and cells and the
kernel share one engine, so a job a cell holds (also through `import … from "sluice"`) is a
JobHandle to the kernel, which shows it as a live status line."""

from conftest import run


def test_a_cell_cannot_reach_the_host_hooks(kernel):
    _, kc = kernel
    for hook in ("setLiveHost", "onJobStarted", "allJobs", "attachHost"):
        reply, out = run(kc, f"typeof {hook}")
        assert reply["content"]["status"] == "error", (hook, out)
        assert f"Cannot find name '{hook}'" in reply["content"]["evalue"], reply["content"]
    reply, _ = run(kc, 'import { attachHost } from "sluice/host";\nattachHost')
    assert reply["content"]["status"] == "error"
    assert "Cannot find module 'sluice/host'" in reply["content"]["evalue"], reply["content"]


def _status_lines(out):
    return [m for m in out if m["msg_type"] == "display_data" and m["content"]["transient"].get("display_id", "").startswith("sluice-job-")]


def test_a_job_from_an_explicit_sluice_import_is_the_kernels_job(kernel):
    _, kc = kernel
    code = (
        'import { StreamEnvironment as Env, DataGen as Gen } from "sluice";\n'
        "const env = Env.create();\n"
        "env.fromSource(Gen.pageViews({ seed: 1, rate: 100 })).sinkTo(sinks.collect());\n"
        'const job = env.execute("imported").detach();\n'
    )
    reply, out = run(kc, code)
    assert reply["content"]["status"] == "ok", out
    assert len(_status_lines(out)) == 1, out  # the kernel's host heard of the job as it started
    # A job as a later cell's value is recognised (instanceof JobHandle) and shown again there.
    reply, again = run(kc, "job")
    assert reply["content"]["status"] == "ok", again
    assert len(_status_lines(again)) == 1, again
    assert not [m for m in again if m["msg_type"] == "execute_result"], again
    run(kc, "await job.cancel()")
