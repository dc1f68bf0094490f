/**
 * Where a job's threads allocate (issue 20: p=2 allocated ~1.5× p=1's bytes per event in q5, RESULTS.md
 * "Session 18: q5consume"): loaded into every JS thread with `node --import`, which worker threads inherit,
 * it runs V8's sampling heap profiler over what the main thread marks — objects a scavenge or a full GC
 * collected included, so the profile counts allocation, not what stays live — and writes one
 * `alloc-<threadId>.json` per thread into the directory it is told (`allocSites.ts` sums them by site).
 * `threadJobs.ts` marks its timed jobs this way when SLUICE_ALLOC_PROFILE names a directory:
 *
 *   SLUICE_ALLOC_PROFILE=/tmp/a node --import ./dist/bench/nexmark/allocProfile.js dist/bench/nexmark/threadJobs.js module q5 2
 *   node dist/bench/nexmark/allocSites.js /tmp/a
 *
 * With SLUICE_ALLOC_SURVIVORS=1 objects a scavenge collected are left out: what is counted survived at least one
 * scavenge (was copied, and most of it promoted) — where the survivors of RESULTS.md "Session 18: q5same" come from.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { BroadcastChannel, threadId } from "node:worker_threads";
import { ALLOC_PROFILE_CHANNEL, type ProfileMark } from "./allocSites.js";

/** Bytes between samples: one per ~16 KB allocated (V8's default is 32 KB). */
const SAMPLING_INTERVAL = 16384;

const session = new Session();
session.connect();
const post = (method: string, params?: object): Promise<unknown> => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
let sampling = false;
const channel = new BroadcastChannel(ALLOC_PROFILE_CHANNEL);
channel.onmessage = (event) => {
  void mark((event as { data: ProfileMark }).data).catch((error: unknown) => {
    console.error(`allocProfile: thread ${threadId}:`, error);
  });
};
// The channel must not keep a thread alive once its work is done.
channel.unref();

async function mark(message: ProfileMark): Promise<void> {
  if ("start" in message) {
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", {
      samplingInterval: SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: process.env.SLUICE_ALLOC_SURVIVORS !== "1",
    });
    sampling = true;
    return;
  }
  if (!sampling) return;
  sampling = false;
  const { profile } = (await post("HeapProfiler.stopSampling")) as { profile: unknown };
  writeFileSync(join(message.stop, `alloc-${threadId}.json`), JSON.stringify(profile));
}
