"""scripts/kafka.sh formats a new broker's storage with a random cluster id: 16 random bytes in
base64url, which starts with "-" once in 64 starts. Such an id must not be read as an option by
Kafka's StorageTool (it once failed a CI run with kafka-storage's usage text)."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KAFKA = ["bash", str(ROOT / "scripts" / "kafka.sh")]


@pytest.mark.parametrize("version", ["3.9.2", "4.4.0"])
def test_a_cluster_id_that_starts_with_a_dash_formats_and_starts(version):
    if os.environ.get("SLUICE_KAFKA_TESTS") == "off":
        pytest.skip("SLUICE_KAFKA_TESTS=off")
    env = {**os.environ, "SLUICE_KAFKA_INSTANCE": f"dash-id-{os.getpid()}", "SLUICE_KAFKA_CLUSTER_ID": "-Zb7o4mSRa2Q1pI9x8yZ0A", "SLUICE_KAFKA_HEAP": "256m", "SLUICE_KAFKA_PORT": ""}
    try:
        started = subprocess.run([*KAFKA, "start", version], env=env, capture_output=True, text=True, timeout=240)
        assert started.returncode == 0, started.stderr[-3000:]
        assert started.stdout.strip().startswith("127.0.0.1:")
        meta = ROOT / ".cache" / "kafka" / version / f"run-dash-id-{os.getpid()}" / "data" / "meta.properties"
        assert "cluster.id=-Zb7o4mSRa2Q1pI9x8yZ0A" in meta.read_text()
    finally:
        subprocess.run([*KAFKA, "clean", version], env=env, capture_output=True, timeout=120)
