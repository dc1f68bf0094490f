import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { StreamEnvironment } from "../../../api/StreamEnvironment.js";
import { LineReader } from "../../../connectors/file/LineReader.js";
import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../../../connectors/Source.js";
import { ParseError, SourceError } from "../../../errors/errors.js";
import { messages } from "../../../errors/messages.js";
import type { Operator, OperatorContext } from "../../../operators/Operator.js";
import type { RecordBatch } from "../../../runtime/StreamElement.js";
import type { Column, TableEntry } from "../../catalog.js";
import type { Row, ScanResult } from "../../connectors.js";
import { StreamSqlError } from "../../errors.js";
import { textValue } from "./textValue.js";
import { ignoresParseErrors, type LineDecode, lineDecoder, type Skipped } from "./lineDecode.js";
import { localPath } from "./options.js";
import { partitionSpec } from "./partitions.js";

/** A line of a file, with the file's directory relative to the table's (where partition values are) and its place, for dead letters. */
interface DirLine {
  dir: string;
  text: string;
  path: string;
  line: number;
  offset: number;
}

/**
 * The filesystem connector's source: one file, or (as Flink's FileSystemTableSource) every visible
 * file under a directory, recursively — names starting with '.' or '_' are hidden (in-progress part
 * files, success files) — with PARTITIONED BY columns read from the `k=v` directories (the default
 * partition name as NULL) and the other columns from the file's lines, by the table's format.
 * Read and decoded by one reader (parallelism 1, as the sources are), so the table's watermark runs
 * there too (ScanResult's `parallelism`) and the late rows are those of a run at parallelism 1.
 * A line the format cannot read fails the job (naming file and line), as in Flink; under
 * `<format>.ignore-parse-errors` it is skipped as Flink skips it and becomes a dead letter of the job
 * with the reason (a row kept with a field NULL too), so what was skipped can be seen.
 */
export function fileSystemScan(env: StreamEnvironment, table: TableEntry, decodeWith: (columns: Column[], skipped?: Skipped) => LineDecode): ScanResult {
  const root = localPath(table.name, table.options.path as string);
  const format = table.options.format as string;
  const lenient = ignoresParseErrors(table.name, table.options);
  const keys = table.partitionKeys ?? [];
  const dataColumns = table.columns.filter((c) => !keys.includes(c.name) && !c.computed);
  const isDir = isDirectory(root);
  if (!isDir && keys.length > 0) throw new StreamSqlError("validation", `table ${table.name}: a partitioned table's path must be a directory, not the file '${root}'`, undefined, root);
  const defaultName = table.options["partition.default-name"] ?? "__DEFAULT_PARTITION__";
  const positions = table.columns.map((c) => (keys.includes(c.name) ? -1 : dataColumns.indexOf(c)));
  /** A line's row with its partition values; a partition value that is not of its column's type fails the job, ignore-parse-errors or not (as Flink). */
  const withPartitions = (l: DirLine, data: Row): Row => {
    const spec = partitionSpec(l.dir);
    return table.columns.map((c, i) => {
      const at = positions[i] as number;
      if (at >= 0) return data[at];
      const v = spec.get(c.name);
      return v === undefined || v === defaultName ? null : textValue(v, c.type);
    });
  };
  const lines = env.fromSource(lineSource(root, isDir), undefined, `${table.name}[filesystem]`).setParallelism(1);
  const decoded = lines
    .transform<Row>(`decode ${format}`, (ctx) => new DecodeOperator(ctx, (skipped) => decodeWith(dataColumns, skipped), keys.length > 0 ? withPartitions : undefined, lenient))
    .setParallelism(1);
  return { stream: lenient ? decoded.onError("dead-letter") : decoded, bounded: true, parallelism: 1 };
}

/**
 * Lines to rows. A parse error is a bad record of this operator at the line's file and line number:
 * it fails the job (the error policy `fail`) or, under ignore-parse-errors, which sets `dead-letter`
 * here, is a dead letter while the decoder skips it as Flink does.
 */
class DecodeOperator implements Operator<DirLine> {
  private readonly decode: LineDecode;
  private at: DirLine | undefined;

  constructor(
    private readonly ctx: OperatorContext<Row>,
    decoder: (skipped: Skipped | undefined) => LineDecode,
    private readonly withPartitions: ((l: DirLine, data: Row) => Row) | undefined,
    private readonly lenient: boolean,
  ) {
    this.decode = decoder(lenient ? (reason) => this.bad(reason, this.at as DirLine) : undefined);
  }

  processBatch({ values, timestamps }: RecordBatch<DirLine>): void {
    const n = values.length;
    const rows: (Row | undefined)[] = new Array(n);
    let none = 0;
    for (let i = 0; i < n; i++) {
      const l = values[i] as DirLine;
      this.at = l;
      let row: Row | undefined;
      try {
        row = this.decode(l.text);
        if (row !== undefined && this.withPartitions !== undefined) row = this.withPartitions(l, row);
      } catch (cause) {
        // Under ignore-parse-errors the decoder throws only what is not a parse error (a partition value): that fails the job.
        if (this.lenient) throw cause;
        this.bad(cause instanceof Error ? cause.message : String(cause), l);
      }
      rows[i] = row;
      if (row === undefined) none++;
    }
    if (none === 0) this.ctx.output.emitBatch(rows as Row[], timestamps);
    else if (none < n) {
      const kept: Row[] = [];
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        if (rows[i] === undefined) continue;
        kept.push(rows[i] as Row);
        times.push(timestamps[i] as number);
      }
      this.ctx.output.emitBatch(kept, times);
    }
  }

  private bad(reason: string, l: DirLine): void {
    this.ctx.badRecord(parseError(this.ctx, reason, l), l.text);
  }
}

/** Whether the table's path is a directory; a missing path is not (it fails when the job reads it, with the reader's message). */
function isDirectory(root: string): boolean {
  try {
    return statSync(root).isDirectory();
  } catch {
    return false;
  }
}

/** A line the format cannot read, at its file, line and byte offset. */
function parseError(ctx: { jobName: string; operatorName: string; subtask: number }, reason: string, l: DirLine): ParseError {
  const where = { job: ctx.jobName, operator: ctx.operatorName, subtask: ctx.subtask, source: l.path, line: l.line, offset: l.offset };
  return new ParseError(messages.parseFailed(where, reason), where, { cause: new Error(reason) });
}

/**
 * Every row of a filesystem table without partitions, read at once by the scan's reader and decoder:
 * the same files, format options and errors (a file that cannot be opened a SourceError, a line the
 * format cannot read the ParseError that fails the scan's job). For a lookup source's whole table
 * (lookupJoin.ts), which Flink's CsvLookupFunction loads when it opens. `ctx` is the reading operator's.
 */
export async function readTableRows(table: TableEntry, ctx: OperatorContext<unknown>): Promise<Row[]> {
  const root = localPath(table.name, table.options.path as string);
  const isDir = isDirectory(root);
  const decode = lineDecoder(table.options.format as string, table.options)(table.columns.filter((c) => !c.computed));
  const reader = lineSource(root, isDir).createReader({
    subtask: ctx.subtask,
    parallelism: 1,
    clock: ctx.clock,
    jobName: ctx.jobName,
    badRecord: (reason) => {
      throw new Error(`the line reader reported a bad record, which it never does: ${reason}`);
    },
  });
  const rows: Row[] = [];
  try {
    for (;;) {
      const { values, end } = await reader.poll(8192);
      for (const l of values) {
        let row: Row | undefined;
        try {
          row = decode(l.text);
        } catch (cause) {
          throw parseError(ctx, cause instanceof Error ? cause.message : String(cause), l);
        }
        if (row !== undefined) rows.push(row);
      }
      if (end) return rows;
    }
  } finally {
    await reader.close?.();
  }
}

/** Visible files under `root`, sorted, so every run (and a restored one) reads them in the same order. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".") || entry.name.startsWith("_")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(root);
  return out;
}

interface Position {
  file: number;
  offset: number;
  line: number;
}

/**
 * Every line of the file `root`, or of every visible file under the directory `root`, file by file;
 * the position is (file, byte offset). A position without `file` (a single file's, as FileSource.lines
 * saved it before this reader read single files too) is in the first file.
 */
function lineSource(root: string, isDir: boolean): Source<DirLine> {
  return {
    name: `files:${root}`,
    bounded: true,
    maxParallelism: 1,
    createReader(ctx: SourceReaderContext): SourceReader<DirLine> {
      const files = isDir ? listFiles(root) : [root];
      let at: Position = { file: 0, offset: 0, line: 0 };
      let reader: LineReader | undefined;
      return {
        async poll(max): Promise<SourcePoll<DirLine>> {
          const path = files[at.file];
          if (path === undefined) return { values: [], end: true };
          if (!reader) {
            reader = new LineReader(path, { offset: at.offset, line: at.line });
            try {
              await reader.open();
            } catch (error) {
              reader = undefined;
              const where = { job: ctx.jobName, operator: `files:${root}`, subtask: ctx.subtask, source: path };
              throw new SourceError(messages.sourceFailed(where, error), where, { cause: error });
            }
          }
          const { lines, eof } = await reader.read(max, true);
          const dir = isDir ? relative(root, join(path, "..")) : "";
          const values = lines.map((l) => ({ dir, text: l.text, path, line: l.line, offset: l.offset }));
          if (eof) {
            await reader.close();
            reader = undefined;
            at = { file: at.file + 1, offset: 0, line: 0 };
          } else at = { file: at.file, ...reader.position };
          return { values, end: eof && at.file >= files.length };
        },
        snapshotPosition: (): Position => ({ ...at }),
        restorePosition(position) {
          const p = position as Partial<Position> & { offset: number; line: number };
          at = { file: p.file ?? 0, offset: p.offset, line: p.line };
        },
        close: () => reader?.close(),
      };
    },
  };
}
