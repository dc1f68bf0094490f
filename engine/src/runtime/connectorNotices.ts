import type { JobPlan } from "../graph/JobPlan.js";
import type { ConnectorNotice } from "./JobMetrics.js";

/** What a connector reports per subtask through its `status()` (Kafka's source and sink: `ConnectorStatus`). */
interface ConnectorStatusReport {
  state: string;
  since: number;
  lastError?: string;
}

function statusOf(connector: unknown): readonly ConnectorStatusReport[] | undefined {
  const status = (connector as { status?: unknown } | undefined)?.status;
  if (typeof status !== "function") return undefined;
  const reports: unknown = status.call(connector);
  // Only a connector's per-subtask list counts (a custom sink's `status` may mean something else).
  return Array.isArray(reports) ? (reports as ConnectorStatusReport[]) : undefined;
}

/**
 * The connectors' trouble now: a subtask retrying or failed, or running with something to report
 * (Kafka: offsets the broker had deleted were skipped). A status is a state, not an event per
 * record, so a display showing these shows each once, for as long as it holds.
 */
export function connectorNotices(plan: JobPlan): ConnectorNotice[] {
  const notices: ConnectorNotice[] = [];
  for (const node of plan.nodes) {
    const reports = statusOf(node.node.source?.source ?? node.node.sink);
    reports?.forEach((s, subtask) => {
      if (s.state === "retrying" || s.state === "failed" || s.lastError !== undefined) {
        notices.push({ operator: node.name, subtask, state: s.state, message: s.lastError, since: s.since });
      }
    });
  }
  return notices;
}
