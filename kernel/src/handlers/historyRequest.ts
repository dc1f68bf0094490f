import type { Handler } from "../session/services.js";

export const history_request: Handler<"history_request"> = async ({ msg, services }) => ({
  content: { status: "ok", history: services.history.query(msg.content) },
});
