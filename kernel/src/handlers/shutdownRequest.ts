import type { Handler } from "../session/services.js";

export const shutdown_request: Handler<"shutdown_request"> = async ({ msg, services }) => {
  const { restart } = msg.content;
  return { content: { status: "ok", restart }, after: () => services.shutdown(restart) };
};
