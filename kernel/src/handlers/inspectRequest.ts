import type { Handler } from "../session/services.js";

export const inspect_request: Handler<"inspect_request"> = async ({ msg, services }) => {
  const { code, cursor_pos } = msg.content;
  const text = services.runner.inspect(code, cursor_pos ?? [...code].length);
  return {
    content: text === undefined ? { status: "ok", found: false, data: {}, metadata: {} } : { status: "ok", found: true, data: { "text/plain": text }, metadata: {} },
  };
};
