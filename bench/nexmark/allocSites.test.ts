/**
 * allocSites.ts puts each sampled allocation on the innermost frame of the job's own code, so builtins count
 * where they were called from. A synthetic profile; no threads, fast.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { allocationSites, type ProfileNode } from "./allocSites.js";

/** `url` "generated" stands for a `new Function` (a script, no URL); "" for a builtin or V8's own entries (script 0). */
const node = (functionName: string, url: string, selfSize: number, children: ProfileNode[] = []): ProfileNode => ({
  callFrame: { functionName, scriptId: url === "" ? "0" : "7", url: url === "generated" ? "" : url, lineNumber: 9 },
  selfSize,
  children,
});

test("builtins count at their caller in the job's code, generated functions as themselves, V8's own entries alone", () => {
  const head = node("(root)", "", 0, [
    node("routeByKey", "file:///x/dist/engine/src/runtime/OutputRouter.js", 100, [node("keyRouteLoop", "generated", 40, [node("push", "", 0, [node("(anonymous)", "", 7)])]), node("slice", "", 30)]),
    node("(garbage collector)", "", 5),
  ]);
  assert.deepEqual([...allocationSites(head)].sort(), [
    ["(garbage collector)", 5],
    ["keyRouteLoop (generated):10", 47],
    ["routeByKey OutputRouter.js:10", 130],
  ]);
});
