import type { Handler } from "../session/services.js";

export const complete_request: Handler = async ({ msg, services }) => {
  const { code, cursor_pos } = msg.content as { code: string; cursor_pos: number };
  const c = services.runner.complete(code, cursor_pos ?? [...code].length);
  return { content: { status: "ok", ...c, metadata: {} } };
};
