import type { Handler } from "../session/services.js";

export const is_complete_request: Handler = async ({ msg, services }) => {
  const { code } = msg.content as { code: string };
  return { content: { ...services.runner.isComplete(code) } };
};
