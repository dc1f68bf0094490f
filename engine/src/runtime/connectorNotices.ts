import type { ConnectorStatus } from "../connectors/ConnectorStatus.js";
import type { ConnectorNotice } from "./JobMetrics.js";

/** `{ connector }` for a subtask's metrics when its reader or writer reports a status; nothing otherwise (other subtasks' metrics keep their keys). */
export function withConnector(status: ConnectorStatus | undefined): { connector?: ConnectorStatus } {
  return status === undefined ? {} : { connector: status };
}

/**
 * A connector subtask's trouble now: retrying or failed, or running with something to report
 * (Kafka: offsets the broker had deleted were skipped); undefined while it runs quietly. A status is
 * a state, not an event per record, so a display showing these shows each once, for as long as it holds.
 */
export function connectorNotice(operator: string, subtask: number, status: ConnectorStatus): ConnectorNotice | undefined {
  if (status.state !== "retrying" && status.state !== "failed" && status.lastError === undefined) return undefined;
  return { operator, subtask, state: status.state, message: status.lastError, since: status.since };
}
