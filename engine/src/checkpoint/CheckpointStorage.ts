import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { CheckpointError } from "../errors/errors.js";
import type { CheckpointData } from "./CheckpointData.js";
import { decodeCheckpoint, encodeCheckpoint } from "./codec.js";

const CHECKPOINT = /^chk-(\d+)\.json$/;

/**
 * Checkpoints as JSON files in a local directory: `chk-<id>.json` (the newest `retain` are kept) and
 * `savepoint-<name>.json` (kept until deleted). Each file is written to a temporary name and renamed,
 * so a crash mid-write never leaves a truncated checkpoint behind.
 */
export class FileCheckpointStorage {
  constructor(
    readonly directory: string,
    private readonly retain = 3,
  ) {}

  /**
   * `beforePublish` runs once the file is durable under its temporary name and before it is renamed
   * into place (two-phase-commit sinks that cannot recover a prepared commit after a crash commit there).
   * If it throws, the temporary file is removed and the checkpoint does not exist.
   */
  async write(data: CheckpointData, savepointName?: string, beforePublish?: () => Promise<void>): Promise<{ path: string; bytes: number }> {
    await mkdir(this.directory, { recursive: true });
    const name = savepointName !== undefined ? `savepoint-${savepointName}.json` : `chk-${String(data.id).padStart(6, "0")}.json`;
    const path = join(this.directory, name);
    const temporary = `${path}.${process.pid}.tmp`;
    const encoded = encodeCheckpoint(data);
    await writeFile(temporary, encoded);
    if (beforePublish !== undefined) {
      try {
        await beforePublish();
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    }
    await rename(temporary, path);
    if (savepointName === undefined) await this.prune();
    return { path, bytes: Buffer.byteLength(encoded) };
  }

  /** Ids of complete checkpoints, ascending. */
  async checkpointIds(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return names
      .map((n) => CHECKPOINT.exec(n)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The newest checkpoint, or undefined if there is none. */
  async latest(): Promise<CheckpointData | undefined> {
    const ids = await this.checkpointIds();
    const id = ids.at(-1);
    return id === undefined ? undefined : this.read(join(this.directory, `chk-${String(id).padStart(6, "0")}.json`));
  }

  /** A savepoint by name, or any checkpoint file by path. */
  async load(nameOrPath: string): Promise<CheckpointData> {
    const path = nameOrPath.endsWith(".json") ? (isAbsolute(nameOrPath) ? nameOrPath : join(this.directory, nameOrPath)) : join(this.directory, `savepoint-${nameOrPath}.json`);
    return this.read(path);
  }

  private async read(path: string): Promise<CheckpointData> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new CheckpointError(`Cannot read checkpoint ${path}: ${(error as Error).message}`, { source: path }, { cause: error });
    }
    const data = decodeCheckpoint(text) as CheckpointData;
    if (data?.version !== 1 || !Array.isArray(data.operators)) throw new CheckpointError(`${path} is not a Sluice checkpoint`, { source: path });
    return data;
  }

  private async prune(): Promise<void> {
    const ids = await this.checkpointIds();
    for (const id of ids.slice(0, Math.max(0, ids.length - this.retain))) {
      await rm(join(this.directory, `chk-${String(id).padStart(6, "0")}.json`), { force: true });
    }
  }
}
