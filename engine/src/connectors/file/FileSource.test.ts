import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { ParseError } from "../../errors/errors.js";
import type { DeadLetter } from "../../operators/Operator.js";
import { sinks } from "../../sinks/sinks.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { FileSource } from "./FileSource.js";
import { parseCsvRecord } from "./csv.js";

const dir = await mkdtemp(join(tmpdir(), "sluice-file-"));

test("CSV with header, quotes, embedded newlines and type inference", async () => {
  const path = join(dir, "a.csv");
  await writeFile(path, 'name,qty,note\r\napple,3,"red, sweet"\npear,10,"says ""hi""\nand bye"\nfig,1.5,\n');
  const env = StreamEnvironment.create({ batchSize: 2 });
  const rows = await env.fromSource(FileSource.csv(path)).executeAndCollect();
  assert.deepEqual(rows, [
    { name: "apple", qty: 3, note: "red, sweet" },
    { name: "pear", qty: 10, note: 'says "hi"\nand bye' },
    { name: "fig", qty: 1.5, note: "" },
  ]);
});

test("a bad CSV line fails the job with a ParseError naming file and line", async () => {
  const path = join(dir, "bad.csv");
  await writeFile(path, "a,b\n1,2\n3\n4,5\n");
  const env = StreamEnvironment.create();
  env.fromSource(FileSource.csv(path)).sinkTo(sinks.collect());
  const result = await env.execute("csv").done;
  assert.ok(result.error instanceof ParseError);
  assert.equal(result.error.context.line, 3);
  assert.equal(result.error.context.source, path);
  assert.match(result.error.message, /expected 2 fields, got 1/);
});

test("under dead-letter, unparsable JSON lines become dead letters with their position", async () => {
  const path = join(dir, "e.jsonl");
  await writeFile(path, '{"id":1}\n{oops\n\n{"id":3}\n{"id":"x"}\n');
  const env = StreamEnvironment.create().setErrorPolicy("dead-letter");
  const out = sinks.collect<{ id: number }>();
  const dead = sinks.collect<DeadLetter>();
  env
    .fromSource(
      FileSource.jsonLines<{ id: number }>(path, {
        parse: (v) => {
          const id = (v as { id: unknown }).id;
          if (typeof id !== "number") throw new Error("id must be a number");
          return { id };
        },
      }),
    )
    .sinkTo(out);
  env.deadLetters().sinkTo(dead);
  await env.execute().wait();
  assert.deepEqual(out.values, [{ id: 1 }, { id: 3 }]);
  assert.deepEqual(
    dead.values.map((d) => [d.line, d.offset, d.errorType, d.record]),
    [
      [2, 9, "ParseError", "{oops"],
      [5, 25, "ParseError", '{"id":"x"}'],
    ],
  );
  assert.match(dead.values[1]!.reason, /id must be a number/);
});

test("tail follows a growing file, holding back partial lines", async () => {
  const path = join(dir, "log.txt");
  await writeFile(path, "one\ntw");
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock });
  const out = sinks.collect<string>();
  env.fromSource(FileSource.tail(path, { pollInterval: 50 })).sinkTo(out);
  const job = env.execute();
  const settle = async () => {
    // File reads complete on the libuv pool; give them a few turns.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 2));
      clock.advance(50);
      await job.whenIdle();
    }
  };
  await settle();
  assert.deepEqual(out.values, ["one"]);
  await appendFile(path, "o\nthree\n");
  await settle();
  assert.deepEqual(out.values, ["one", "two", "three"]);
  await job.cancel();
});

test("JSON lines and CSV sinks round-trip", async () => {
  const env = StreamEnvironment.create();
  const records = [
    { city: "Berlin", temp: 3.5 },
    { city: 'Quote "Town", X', temp: -1 },
  ];
  const jsonl = join(dir, "out.jsonl");
  const csv = join(dir, "out.csv");
  const stream = env.fromArray(records);
  stream.sinkTo(sinks.jsonLines(jsonl));
  stream.sinkTo(sinks.csv(csv));
  await env.execute().wait();
  assert.deepEqual(
    (await readFile(jsonl, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l)),
    records,
  );
  assert.deepEqual(await env.fromSource(FileSource.csv(csv)).executeAndCollect(), records);
});

test("parseCsvRecord rejects malformed quoting", () => {
  assert.deepEqual(parseCsvRecord('a,"b,c",'), ["a", "b,c", ""]);
  assert.throws(() => parseCsvRecord('a,"b'), /unterminated/);
  assert.throws(() => parseCsvRecord('a,"b"x'), /after closing quote/);
});

test("a CSV reader with its own column names, restored to a position before the header, skips the header again", async () => {
  const path = join(dir, "named.csv");
  await writeFile(path, "a,b\n1,2\n3,4\n");
  const source = FileSource.csv(path, { columns: ["x", "y"] });
  const context = { subtask: 0, parallelism: 1, clock: new ManualClock(0), jobName: "csv", badRecord: () => {} };
  // A checkpoint during the first read records the position before it (issue 13): offset 0.
  const before = source.createReader(context).snapshotPosition!();
  const restored = source.createReader(context);
  restored.restorePosition!(JSON.parse(JSON.stringify(before)));
  const poll = await restored.poll(10);
  await restored.close?.();
  assert.deepEqual(poll.values, [
    { x: 1, y: 2 },
    { x: 3, y: 4 },
  ]);
});
