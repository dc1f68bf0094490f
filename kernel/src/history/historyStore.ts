import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { log } from "../log.js";

/** One executed cell: [session, line, input] or [session, line, [input, output]]. */
interface Entry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

export interface HistoryQuery {
  hist_access_type?: "range" | "tail" | "search";
  output?: boolean;
  raw?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

/**
 * Cell history across kernel sessions, like IPython's: each kernel start is a new session
 * number; entries are appended to a JSON-lines file so a restarted kernel still answers
 * `tail` and `search` for earlier sessions. Negative session numbers count back from this one.
 */
export class HistoryStore {
  private readonly entries: Entry[] = [];
  readonly session: number;

  constructor(private readonly file: string | null) {
    if (file) {
      try {
        for (const line of readFileSync(file, "utf8").split("\n")) {
          if (line.trim()) this.entries.push(JSON.parse(line) as Entry);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") log("warn", "history file unreadable; starting empty", { file, error: String(e) });
      }
    }
    this.session = this.entries.reduce((m, e) => Math.max(m, e.session), 0) + 1;
  }

  record(line: number, input: string, output: string | null): void {
    const entry = { session: this.session, line, input, output };
    this.entries.push(entry);
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(entry) + "\n");
    } catch (e) {
      log("warn", "could not persist history", { file: this.file, error: String(e) });
    }
  }

  query(q: HistoryQuery): HistoryRow[] {
    const withOutput = q.output === true;
    const rows = (es: Entry[]): HistoryRow[] => es.map((e) => (withOutput ? [e.session, e.line, [e.input, e.output]] : [e.session, e.line, e.input]));
    switch (q.hist_access_type ?? "tail") {
      case "tail":
        return rows(this.entries.slice(-(q.n ?? 10)));
      case "range": {
        const session = (q.session ?? 0) <= 0 ? this.session + (q.session ?? 0) : (q.session as number);
        const start = q.start ?? 1;
        const stop = q.stop ?? Number.MAX_SAFE_INTEGER;
        return rows(this.entries.filter((e) => e.session === session && e.line >= start && e.line < stop));
      }
      case "search": {
        const re = globToRegExp(q.pattern ?? "*");
        let found = this.entries.filter((e) => re.test(e.input));
        if (q.unique) {
          const seen = new Set<string>();
          found = found
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input))
            .reverse();
        }
        return rows(q.n ? found.slice(-q.n) : found);
      }
    }
  }
}

/** IPython's search patterns are shell globs matched against whole inputs. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${body}$`);
}
