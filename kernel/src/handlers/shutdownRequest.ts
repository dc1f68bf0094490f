import type { Handler } from "../session/services.js";

export const shutdown_request: Handler = async ({ msg, services }) => {
  const restart = (msg.content as { restart?: boolean }).restart === true;
  return { content: { status: "ok", restart }, after: () => services.shutdown(restart) };
};
