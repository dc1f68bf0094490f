/** Text made safe inside HTML, in element content and in double-quoted attributes alike. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A count as the kernel's displays write it: 12,345. */
export function count(x: number): string {
  return x.toLocaleString("en-US");
}
