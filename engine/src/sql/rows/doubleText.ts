/**
 * A DOUBLE as Java's `Double.toString` writes it, which is what Flink prints, casts to STRING and
 * writes through its JSON and CSV formats (Jackson): plain decimals with at least one fractional
 * digit for 10^-3 <= |v| < 10^7 (`1.0`, `0.25`), otherwise computerized scientific notation
 * (`1.0E7`, `1.5E-4`). The digits are JavaScript's shortest round-trip ones, as Java's since JDK 19.
 */
export function doubleText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(v);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = v.toExponential().split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${exponent.startsWith("+") ? exponent.slice(1) : exponent}`;
}
