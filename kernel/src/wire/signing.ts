import { createHmac, timingSafeEqual } from "node:crypto";

export class UnsupportedSchemeError extends Error {
  override name = "UnsupportedSchemeError";
}

/**
 * HMAC signing of the four JSON frames (header, parent, metadata, content), as the Jupyter
 * wire protocol defines. An empty key disables signing, as in jupyter_client.
 */
export class Signer {
  private readonly algorithm: string | null;

  constructor(
    scheme: string,
    private readonly key: string,
  ) {
    if (key === "") {
      this.algorithm = null;
      return;
    }
    const m = /^hmac-(sha256|sha512|sha1|md5)$/.exec(scheme);
    if (!m) throw new UnsupportedSchemeError(`unsupported signature_scheme "${scheme}"`);
    this.algorithm = m[1] ?? "sha256";
  }

  get enabled(): boolean {
    return this.algorithm !== null;
  }

  sign(frames: readonly Buffer[]): string {
    if (this.algorithm === null) return "";
    const h = createHmac(this.algorithm, this.key);
    for (const f of frames) h.update(f);
    return h.digest("hex");
  }

  /** Constant-time check; never parses anything. */
  verify(signature: string, frames: readonly Buffer[]): boolean {
    if (this.algorithm === null) return true;
    const expected = Buffer.from(this.sign(frames), "utf8");
    const given = Buffer.from(signature, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
