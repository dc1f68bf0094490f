import { test } from "node:test";
import assert from "node:assert/strict";
import { decoders, decodeInputReply, MalformedContentError } from "./protocol.js";

test("execute_request: code is checked, never coerced; flags take the protocol's defaults", () => {
  for (const code of [["1 + 1"], { toString: "x" }, 5, null, undefined]) {
    assert.throws(
      () => decoders.execute_request({ code }),
      (e: unknown) => e instanceof MalformedContentError && e.name === "TypeError" && /^execute_request content\.code must be a string, not /.test(e.message),
    );
  }
  assert.deepEqual(decoders.execute_request({ code: "1", silent: "yes", store_history: "no", user_expressions: "x" }), {
    code: "1",
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: true,
  });
  const r = decoders.execute_request({ code: "1", silent: true, allow_stdin: true, stop_on_error: false, user_expressions: { a: "x", b: 5 } });
  assert.deepEqual([r.silent, r.allow_stdin, r.stop_on_error, r.user_expressions], [true, true, false, { a: "x" }]);
});

test("complete and inspect: cursor_pos absent means the end; a bad one is an error", () => {
  assert.deepEqual(decoders.complete_request({ code: "ab" }), { code: "ab", cursor_pos: undefined });
  assert.deepEqual(decoders.inspect_request({ code: "ab", cursor_pos: 1, detail_level: 0 }), { code: "ab", cursor_pos: 1 });
  assert.throws(() => decoders.complete_request({ code: 5, cursor_pos: "x" }), MalformedContentError);
  assert.throws(() => decoders.inspect_request({ code: "a", cursor_pos: -1 }), /cursor_pos must be a non-negative integer, not number/);
  assert.throws(() => decoders.is_complete_request({ code: {} }), /is_complete_request content\.code must be a string, not object/);
});

test("history, shutdown, comm_open and input_reply keep only well-typed fields", () => {
  assert.deepEqual(decoders.history_request({ hist_access_type: "search", pattern: {}, n: 1e9, output: "yes" }), { hist_access_type: "search", n: 1e9 });
  assert.deepEqual(decoders.history_request({ hist_access_type: "all" }), {});
  assert.deepEqual(decoders.shutdown_request({ restart: "true" }), { restart: false });
  assert.deepEqual(decoders.shutdown_request({ restart: true }), { restart: true });
  assert.throws(() => decoders.comm_open({ comm_id: {}, target_name: [] }), /comm_open content\.comm_id must be a string/);
  assert.deepEqual(decodeInputReply({ value: "hi" }), { value: "hi" });
  assert.deepEqual(decodeInputReply({}), { value: "" });
});
