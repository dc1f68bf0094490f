/** `Math.max?` or `env.fromArray?`: a request to page what is known about a name. */
export function pagerRequest(code: string): string | undefined {
  const m = /^\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\?\s*$/.exec(code);
  return m?.[1];
}
