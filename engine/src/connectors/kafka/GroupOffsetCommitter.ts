import { errorMessage } from "./errors.js";
import type { PartitionOffset } from "./KafkaClient.js";
import type { StatusTracker } from "./retry.js";

/**
 * Commits a source subtask's checkpointed offsets to a consumer group after each completed
 * checkpoint, so lag monitoring (kafka-consumer-groups.sh, Burrow, ...) sees the job's progress, as
 * Flink's KafkaSource does. Monitoring only: restore reads the checkpoint, never the group.
 *
 * Commits never hold up the job: one runs at a time, and a newer checkpoint's offsets replace an
 * older one still waiting. A failed commit is reported in the connector status (`lastError`) and
 * retried in effect by the next checkpoint's commit.
 */
export class GroupOffsetCommitter {
  private waiting: { checkpointId: number; offsets: PartitionOffset[] } | undefined;
  private running: Promise<void> | undefined;
  /** Id of the last checkpoint whose offsets are in the group. */
  lastCommitted: number | undefined;
  failures = 0;

  constructor(
    /** `KafkaClient.commitOffsets`. */
    private readonly commitOffsets: (groupId: string, offsets: readonly PartitionOffset[]) => Promise<void>,
    readonly groupId: string,
    private readonly status: StatusTracker,
  ) {}

  commit(checkpointId: number, offsets: PartitionOffset[]): void {
    if (offsets.length === 0) return;
    this.waiting = { checkpointId, offsets };
    this.running ??= this.drain();
  }

  /** Resolves once the commit in flight (if any) settled. */
  async close(): Promise<void> {
    this.waiting = undefined;
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.waiting; next !== undefined; next = this.waiting) {
        this.waiting = undefined;
        try {
          await this.commitOffsets(this.groupId, next.offsets);
          this.lastCommitted = next.checkpointId;
        } catch (error) {
          this.failures++;
          const { state, attempts } = this.status.status;
          this.status.set({ state, attempts, lastError: `committing the offsets of checkpoint ${next.checkpointId} to group ${this.groupId} failed (monitoring only): ${errorMessage(error)}` });
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
