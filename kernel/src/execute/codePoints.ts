/**
 * Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16 code
 * units. They differ once a cell holds characters outside the Basic Multilingual Plane (emoji).
 */
export function codePointsToIndex(text: string, codePoints: number): number {
  let index = 0;
  for (let n = 0; n < codePoints && index < text.length; n++) {
    const c = text.codePointAt(index) ?? 0;
    index += c > 0xffff ? 2 : 1;
  }
  return index;
}

export function indexToCodePoints(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < text.length; n++) {
    const c = text.codePointAt(i) ?? 0;
    i += c > 0xffff ? 2 : 1;
  }
  return n;
}
