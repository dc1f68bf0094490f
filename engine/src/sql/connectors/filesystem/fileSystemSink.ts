import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open as openFile, rename, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Sink, SinkContext, SinkWriter } from "../../../sinks/Sink.js";
import type { TableEntry } from "../../catalog.js";
import type { Row } from "../../connectors.js";
import { StreamSqlError } from "../../errors.js";
import { rowFormat } from "../rowFormat.js";
import { sinkSpec, type FileSystemSinkSpec } from "./options.js";
import { partitionPath, partitionSpec, partitionTime, partitionValue } from "./partitions.js";

/** A part file being written: hidden (`.part-…inprogress`) until a checkpoint that holds it completes. */
interface PartFile {
  partition: string;
  hidden: string;
  final: string;
  size: number;
  openedAt: number;
  lastWriteAt: number;
  handle?: FileHandle;
}

/** A closed part file waiting for its checkpoint's commit (renamed from `hidden` to `final` then). */
interface Pending {
  partition: string;
  hidden: string;
  final: string;
}

/** What a checkpoint restores: in-progress files to resume at their length, partitions not yet committed. */
interface WriterState {
  counter: number;
  inProgress: Omit<PartFile, "handle">[];
  partitions: [string, number][];
}

/**
 * Flink's filesystem SQL sink (FileSystemTableSink in streaming mode) on the engine's two-phase
 * commit: rows go to part files `part-<uuid>-<subtask>-<n>` under the table's directory (in
 * `k=v/` directories for PARTITIONED BY, partition columns left out of the rows), written hidden as
 * `.part-…inprogress`. A part file rolls when it exceeds `sink.rolling-policy.file-size`, or (checked
 * every `check-interval`, and at each checkpoint) is older than `rollover-interval` or idle longer than
 * `inactivity-interval`; rows formats do not roll at checkpoints, as in Flink, so a checkpoint records
 * an open file's length and a restore truncates it back to that and goes on writing it. A rolled file
 * becomes visible (renamed) when the next checkpoint completes, so only committed rows are ever
 * visible and a restore neither loses nor repeats any. With `sink.partition-commit.policy.kind` =
 * 'success-file', a partition gets its `_SUCCESS` file once its trigger fires: `process-time` (its
 * creation + delay passed), or `partition-time` (the watermark at the checkpoint passed the time the
 * partition's values name + delay); at the end of input every partition commits.
 */
export function fileSystemSink(table: TableEntry): Sink<Row> {
  const spec = sinkSpec(table);
  const partitionIdx = spec.partitionKeys.map((k) => table.columns.findIndex((c) => c.name === k));
  const dataIdx = table.columns.map((_, i) => i).filter((i) => !partitionIdx.includes(i));
  const format = rowFormat(
    table.name,
    table.options,
    "format",
    dataIdx.map((i) => table.columns[i] as (typeof table.columns)[number]),
  );
  // One uuid per job, as Flink's part prefix: a restored job's new files never collide with the old run's.
  const uuid = randomUUID();
  return {
    name: `${table.name}[filesystem]`,
    // One committer per table, as Flink's single PartitionCommitter: a success file must follow every subtask's files.
    ...(spec.commit ? { maxParallelism: 1 } : {}),
    createWriter: (ctx) => new FileSystemWriter(spec, ctx, uuid, partitionIdx, dataIdx, (row) => format.encode(row)),
  };
}

class FileSystemWriter implements SinkWriter<Row> {
  private counter = 0;
  private readonly openFiles = new Map<string, PartFile>();
  /** Rolled since the last prepare. */
  private pending: Pending[] = [];
  private readonly prepared = new Map<number, Pending[]>();
  /** Partitions with files, not yet committed, by their creation time (process time). */
  private readonly partitions = new Map<string, number>();
  /** Partitions created since the last prepare / per prepared checkpoint: they enter `partitions` when it commits. */
  private created = new Set<string>();
  private readonly preparedPartitions = new Map<number, { created: string[]; watermark: number }>();
  private watermark = Number.NEGATIVE_INFINITY;
  private lastCheck = Date.now();
  private ended = false;
  private restored: WriterState | undefined;

  constructor(
    private readonly spec: FileSystemSinkSpec,
    private readonly ctx: SinkContext,
    private readonly uuid: string,
    private readonly partitionIdx: number[],
    private readonly dataIdx: number[],
    private readonly encode: (row: Row) => Buffer,
  ) {}

  restoreState(state: unknown): void {
    this.restored = state as WriterState;
  }

  async recoverCommittables(committables: readonly unknown[]): Promise<void> {
    for (const c of committables as { files: Pending[]; partitions: string[] }[]) {
      for (const f of c.files) await this.publish(f);
      for (const p of c.partitions) if (!this.partitions.has(p)) this.partitions.set(p, Date.now());
    }
  }

  async open(): Promise<void> {
    await mkdir(this.spec.root, { recursive: true });
    const state = this.restored;
    if (state === undefined) return;
    this.counter = state.counter;
    for (const [p, t] of state.partitions) if (!this.partitions.has(p)) this.partitions.set(p, t);
    for (const f of state.inProgress) {
      const path = join(this.spec.root, f.partition, f.hidden);
      if (!existsSync(path))
        throw new StreamSqlError("validation", `cannot resume the in-progress part file ${path}: it is gone (restored from a checkpoint older than the latest commit?)`, undefined, f.hidden);
      const handle = await openFile(path, "r+");
      await handle.truncate(f.size);
      this.openFiles.set(f.partition, { ...f, handle });
    }
  }

  /** Rows are buffered per partition and written once per batch; a file rolls before a row when it already exceeds the size (Flink's shouldRollOnEvent). */
  async write(rows: readonly Row[]): Promise<void> {
    const now = Date.now();
    const batches = new Map<string, { file: PartFile; chunks: Buffer[]; size: number }>();
    for (const row of rows) {
      const partition = partitionPath(
        this.spec.partitionKeys,
        this.partitionIdx.map((i) => partitionValue(row[i], this.spec.defaultPartitionName)),
      );
      let batch = batches.get(partition);
      if (!batch) {
        const file = this.openFiles.get(partition) ?? (await this.createPartFile(partition, now));
        batches.set(partition, (batch = { file, chunks: [], size: file.size }));
      }
      if (batch.size > this.spec.rolling.fileSize) {
        await this.append(batch.file, batch.chunks, now);
        await this.roll(batch.file);
        batch.file = await this.createPartFile(partition, now);
        batch.chunks = [];
        batch.size = 0;
      }
      const bytes = this.encode(this.partitionIdx.length === 0 ? row : this.dataIdx.map((i) => row[i]));
      batch.chunks.push(bytes, NEWLINE);
      batch.size += bytes.length + 1;
    }
    for (const batch of batches.values()) await this.append(batch.file, batch.chunks, now);
    if (now - this.lastCheck >= this.spec.rolling.checkInterval) await this.rollByTime(now);
  }

  private async append(file: PartFile, chunks: Buffer[], now: number): Promise<void> {
    if (chunks.length === 0) return;
    const bytes = Buffer.concat(chunks);
    await file.handle?.write(bytes, 0, bytes.length, file.size);
    file.size += bytes.length;
    file.lastWriteAt = now;
  }

  onWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  /** End of input: every open file rolls, and every partition commits with the final checkpoint (Flink's endInput). */
  async flush(): Promise<void> {
    for (const file of [...this.openFiles.values()]) await this.roll(file);
    this.ended = true;
  }

  async prepareCommit(checkpointId: number): Promise<{ files: Pending[]; partitions: string[] }> {
    const now = Date.now();
    await this.rollByTime(now);
    for (const file of [...this.openFiles.values()]) if (file.size > this.spec.rolling.fileSize) await this.roll(file);
    // A partition whose commit is due closes its open file first, so its success file follows all its rows (Flink's StreamingFileWriter).
    for (const file of [...this.openFiles.values()]) if (this.spec.commit && this.committable(file.partition, now, this.watermark)) await this.roll(file);
    for (const file of this.openFiles.values()) await file.handle?.datasync();
    const files = this.pending;
    const created = [...this.created];
    this.pending = [];
    this.created = new Set();
    this.prepared.set(checkpointId, files);
    this.preparedPartitions.set(checkpointId, { created, watermark: this.ended ? Number.POSITIVE_INFINITY : this.watermark });
    return { files, partitions: created };
  }

  snapshotState(): WriterState {
    return {
      counter: this.counter,
      inProgress: [...this.openFiles.values()].map(({ handle: _handle, ...f }) => f),
      partitions: [...this.partitions],
    };
  }

  async commit(checkpointId: number): Promise<void> {
    let watermark = Number.NEGATIVE_INFINITY;
    for (const [id, files] of [...this.prepared].sort((a, b) => a[0] - b[0])) {
      if (id > checkpointId) continue;
      for (const f of files) await this.publish(f);
      this.prepared.delete(id);
      const parts = this.preparedPartitions.get(id);
      this.preparedPartitions.delete(id);
      for (const p of parts?.created ?? []) if (!this.partitions.has(p)) this.partitions.set(p, Date.now());
      watermark = Math.max(watermark, parts?.watermark ?? watermark);
    }
    if (!this.spec.commit) return;
    const now = Date.now();
    for (const partition of [...this.partitions.keys()]) {
      if (!this.ended && !this.committable(partition, now, watermark)) continue;
      this.partitions.delete(partition);
      if (this.spec.commit.successFile !== undefined) await writeFile(join(this.spec.root, partition, this.spec.commit.successFile), "");
    }
  }

  /** Its files go to the next checkpoint, whose commit then covers them. */
  checkpointAborted(checkpointId: number): void {
    const files = this.prepared.get(checkpointId);
    const parts = this.preparedPartitions.get(checkpointId);
    this.prepared.delete(checkpointId);
    this.preparedPartitions.delete(checkpointId);
    this.pending.unshift(...(files ?? []));
    for (const p of parts?.created ?? []) this.created.add(p);
  }

  /** Failure or cancel: the in-progress files stay (hidden) for a restore to resume; nothing is published. */
  async abort(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    for (const file of this.openFiles.values()) {
      await file.handle?.close();
      delete file.handle;
    }
  }

  private async createPartFile(partition: string, now: number): Promise<PartFile> {
    const name = `part-${this.uuid}-${this.ctx.subtask}-${this.counter++}`;
    await mkdir(join(this.spec.root, partition), { recursive: true });
    const hidden = `.${name}.inprogress`;
    const handle = await openFile(join(this.spec.root, partition, hidden), "w");
    const file: PartFile = { partition, hidden, final: name, size: 0, openedAt: now, lastWriteAt: now, handle };
    this.openFiles.set(partition, file);
    if (!this.partitions.has(partition)) this.created.add(partition);
    return file;
  }

  private async roll(file: PartFile): Promise<void> {
    await file.handle?.datasync();
    await file.handle?.close();
    this.openFiles.delete(file.partition);
    this.pending.push({ partition: file.partition, hidden: file.hidden, final: file.final });
  }

  private async rollByTime(now: number): Promise<void> {
    this.lastCheck = now;
    const { rolloverInterval, inactivityInterval } = this.spec.rolling;
    for (const file of [...this.openFiles.values()]) if (now - file.openedAt >= rolloverInterval || now - file.lastWriteAt >= inactivityInterval) await this.roll(file);
  }

  /** Renames a committed part file visible; idempotent, as a restore may commit the same checkpoint again. */
  private async publish(f: Pending): Promise<void> {
    const from = join(this.spec.root, f.partition, f.hidden);
    if (existsSync(from)) await rename(from, join(this.spec.root, f.partition, f.final));
  }

  private committable(partition: string, now: number, watermark: number): boolean {
    const commit = this.spec.commit;
    if (!commit) return false;
    if (commit.trigger === "process-time") return commit.delay === 0 || now > (this.partitions.get(partition) ?? now) + commit.delay;
    return watermark > partitionTime(this.spec.partitionKeys, partitionSpec(partition), commit.timestampPattern) + commit.delay;
  }
}

const NEWLINE = Buffer.from("\n");
