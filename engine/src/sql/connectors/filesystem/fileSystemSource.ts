import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { StreamEnvironment } from "../../../api/StreamEnvironment.js";
import { LineReader } from "../../../connectors/file/LineReader.js";
import type { Source, SourcePoll, SourceReader } from "../../../connectors/Source.js";
import { FileSource } from "../../../connectors/file/FileSource.js";
import type { Column, TableEntry } from "../../catalog.js";
import type { Row, ScanResult } from "../../connectors.js";
import { StreamSqlError } from "../../errors.js";
import { textValue } from "./lineDecode.js";
import { localPath } from "./options.js";
import { partitionSpec } from "./partitions.js";

/** A line of a file, with the file's directory relative to the table's (where partition values are). */
interface DirLine {
  dir: string;
  text: string;
}

/**
 * The filesystem connector's source: one file, or (as Flink's FileSystemTableSource) every visible
 * file under a directory, recursively — names starting with '.' or '_' are hidden (in-progress part
 * files, success files) — with PARTITIONED BY columns read from the `k=v` directories (the default
 * partition name as NULL) and the other columns from the file's lines, by the table's format.
 * Read and decoded by one reader (parallelism 1, as the sources are), so the table's watermark runs
 * there too (ScanResult's `parallelism`) and the late rows are those of a run at parallelism 1.
 */
export function fileSystemScan(env: StreamEnvironment, table: TableEntry, decodeWith: (columns: Column[]) => (line: string) => Row): ScanResult {
  const root = localPath(table.name, table.options.path as string);
  const format = table.options.format as string;
  const keys = table.partitionKeys ?? [];
  const dataColumns = table.columns.filter((c) => !keys.includes(c.name) && !c.computed);
  const decode = decodeWith(dataColumns);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // A missing path fails when the job reads it, with the file source's message, as before.
  }
  if (!isDir) {
    if (keys.length > 0) throw new StreamSqlError("validation", `table ${table.name}: a partitioned table's path must be a directory, not the file '${root}'`, undefined, root);
    return {
      stream: env.fromSource(FileSource.lines(root), undefined, `${table.name}[filesystem]`).setParallelism(1).map(decode).name(`decode ${format}`).setParallelism(1),
      bounded: true,
      parallelism: 1,
    };
  }
  const defaultName = table.options["partition.default-name"] ?? "__DEFAULT_PARTITION__";
  const positions = table.columns.map((c) => (keys.includes(c.name) ? -1 : dataColumns.indexOf(c)));
  const toRow = ({ dir, text }: DirLine): Row => {
    const data = decode(text);
    const spec = keys.length > 0 ? partitionSpec(dir) : undefined;
    return table.columns.map((c, i) => {
      const at = positions[i] as number;
      if (at >= 0) return data[at];
      const v = spec?.get(c.name);
      return v === undefined || v === defaultName ? null : textValue(v, c.type);
    });
  };
  return {
    stream: env.fromSource(directorySource(root), undefined, `${table.name}[filesystem]`).setParallelism(1).map(toRow).name(`decode ${format}`).setParallelism(1),
    bounded: true,
    parallelism: 1,
  };
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

/** Every line of every visible file under `root`, file by file; the position is (file, byte offset). */
function directorySource(root: string): Source<DirLine> {
  return {
    name: `files:${root}`,
    bounded: true,
    maxParallelism: 1,
    createReader(): SourceReader<DirLine> {
      const files = listFiles(root);
      let at: Position = { file: 0, offset: 0, line: 0 };
      let reader: LineReader | undefined;
      return {
        async poll(max): Promise<SourcePoll<DirLine>> {
          const path = files[at.file];
          if (path === undefined) return { values: [], end: true };
          if (!reader) {
            reader = new LineReader(path, { offset: at.offset, line: at.line });
            await reader.open();
          }
          const { lines, eof } = await reader.read(max, true);
          const dir = relative(root, join(path, ".."));
          const values = lines.map((l) => ({ dir, text: l.text }));
          if (eof) {
            await reader.close();
            reader = undefined;
            at = { file: at.file + 1, offset: 0, line: 0 };
          } else at = { file: at.file, ...reader.position };
          return { values, end: eof && at.file >= files.length };
        },
        snapshotPosition: (): Position => ({ ...at }),
        restorePosition(position) {
          at = { ...(position as Position) };
        },
        close: () => reader?.close(),
      };
    },
  };
}
