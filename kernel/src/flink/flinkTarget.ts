import { MagicUsageError } from "../magics/magic.js";
import { defaultTarget, type FlinkConnection, flinkConnection } from "./flinkConnection.js";
import { targetOf } from "./flinkMagic.js";

/** The Flink cluster a `%%ssql` cell runs on: `--target flink`, else `%flink target`'s default, else Flink once connected; undefined: local. */
export function flinkTarget(args: string): FlinkConnection | undefined {
  const target = targetOf(args) ?? defaultTarget();
  const flink = flinkConnection();
  if (target === "local") return undefined;
  if (target === "flink" && !flink) throw new MagicUsageError("%%ssql --target flink: no Flink cluster connected; run %flink connect GATEWAY_URL (or start the kernel with SLUICE_FLINK_GATEWAY)");
  return flink;
}
