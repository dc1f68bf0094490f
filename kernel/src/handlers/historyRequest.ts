import type { HistoryQuery } from "../history/historyStore.js";
import type { Handler } from "../session/services.js";

export const history_request: Handler = async ({ msg, services }) => ({
  content: { status: "ok", history: services.history.query(msg.content as HistoryQuery) },
});
