/** The outputs of one run: how many records the blackhole sink took, and the sum of their fingerprints. */
export interface Outputs {
  readonly outputs: number;
  readonly checksum: number;
}

/**
 * Whether every run of one engine produced what every run of the other did, for the table's "same as"
 * columns. Without runs of both (an engine left out with `--engines`) nothing was compared.
 */
export function sameOutputs(a: readonly Outputs[], b: readonly Outputs[]): "yes" | "NO" | "not checked" {
  if (a.length === 0 || b.length === 0) return "not checked";
  return a.every((r) => b.every((d) => d.outputs === r.outputs && d.checksum === r.checksum)) ? "yes" : "NO";
}
