/**
 * Calls `each(i)` for every `i` in `[0, n)`, in order. When it throws, `failed(i, cause)` reports
 * record `i` (under the `fail` error policy it throws on, ending the batch) and the loop resumes
 * after that record. The try sits outside the inner loop, so the per-record path has none.
 */
export function forEachRecord(n: number, each: (i: number) => void, failed: (i: number, cause: unknown) => void): void {
  let i = 0;
  while (i < n) {
    try {
      for (; i < n; i++) each(i);
    } catch (cause) {
      failed(i, cause);
      i++;
    }
  }
}
