import assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import { OutputTag } from "../api/OutputTag.js";
import { WindowOperator, type WindowOperatorConfig } from "../operators/WindowOperator.js";
import type { OperatorFactory } from "../operators/Operator.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { EventTimeTrigger } from "../windows/Trigger.js";
import { EventTimeSessionWindows, TumblingEventTimeWindows, type WindowAssigner } from "../windows/WindowAssigner.js";
import type { WindowResult } from "../windows/WindowFunction.js";
import { OperatorHarness } from "./OperatorHarness.js";
import { throughJson } from "./windowOperatorFixture.js";

interface Ev {
  k: string;
  ts: number;
}

function windowFactory(assigner: WindowAssigner, lateness: number, late?: OutputTag<Ev>): OperatorFactory {
  const config: WindowOperatorConfig<Ev, number, number, WindowResult<string, number>, string> = {
    assigner,
    trigger: EventTimeTrigger.create(),
    allowedLateness: lateness,
    lateDataTag: late,
    keySelector: (e) => e.k,
    aggregate: Aggregators.count<Ev>(),
    emit: (key, ctx, value, out) => out.collect({ key, start: ctx.window.start, end: ctx.window.end, value, firing: ctx.firing, late: ctx.late }),
  };
  return (ctx) => new WindowOperator(config, ctx);
}

/** Feeds a script of records and watermarks, optionally snapshotting and restoring at step `cut`. */
async function runScript(factory: OperatorFactory, script: (Ev | number)[], cut?: number) {
  let h = await OperatorHarness.create<Ev, WindowResult<string, number>>(factory);
  const outputs: WindowResult<string, number>[] = [];
  for (let i = 0; i < script.length; i++) {
    if (i === cut) {
      outputs.push(...h.output);
      const snapshot = throughJson(h.snapshot());
      h = await OperatorHarness.restore(factory, snapshot);
    }
    const step = script[i]!;
    if (typeof step === "number") h.processWatermark(step);
    else h.processElement(step, step.ts);
  }
  await h.finish();
  outputs.push(...h.output);
  return outputs;
}

const script: (Ev | number)[] = [{ k: "a", ts: 1 }, { k: "b", ts: 3 }, { k: "a", ts: 12 }, 9, { k: "a", ts: 4 }, { k: "a", ts: 15 }, 14, { k: "b", ts: 8 }, { k: "a", ts: 2 }, 30, { k: "a", ts: 31 }];

test("window operator state survives snapshot → restore at every point of the script", async () => {
  for (const assigner of [TumblingEventTimeWindows.of(10), EventTimeSessionWindows.withGap(5)]) {
    const factory = windowFactory(assigner, 5);
    const uninterrupted = await runScript(factory, script);
    assert.ok(uninterrupted.length > 3);
    for (let cut = 1; cut < script.length; cut++) {
      assert.deepEqual(await runScript(factory, script, cut), uninterrupted, `${assigner} cut at ${cut}`);
    }
  }
});

test("harness exposes late side output and counters", async () => {
  const late = new OutputTag<Ev>("late");
  const h = await OperatorHarness.create<Ev, WindowResult<string, number>>(windowFactory(TumblingEventTimeWindows.of(10), 0, late));
  h.processElement({ k: "a", ts: 5 }, 5);
  h.processWatermark(20);
  h.processElement({ k: "a", ts: 6 }, 6);
  assert.deepEqual(
    h.output.map((r) => [r.key, r.start, r.value]),
    [["a", 0, 1]],
  );
  assert.deepEqual(h.sideOutput(late), [{ k: "a", ts: 6 }]);
  assert.deepEqual(h.watermarks, [20]);
});

test("keyed process function: timers and state through the harness, with processing time", async () => {
  const fn: KeyedProcessFunction<string, Ev, string> = {
    processElement(_e, ctx) {
      ctx.getState<number>("n", 0).update(ctx.getState<number>("n", 0).value()! + 1);
      ctx.timerService.registerProcessingTimeTimer(ctx.currentProcessingTime() + 100);
    },
    onTimer(ts, ctx, out) {
      out.collect(`${ctx.getCurrentKey()}:${ctx.getState<number>("n", 0).value()}@${ts}`);
    },
  };
  const h = await OperatorHarness.forKeyedProcess(fn, (e: Ev) => e.k);
  h.processElement({ k: "x", ts: 0 });
  h.processElement({ k: "x", ts: 0 });
  h.setProcessingTime(99);
  assert.deepEqual(h.output, []);
  h.setProcessingTime(100);
  assert.deepEqual(h.output, ["x:2@100"]);
});
