/**
 * The gateway client over https, as a managed Flink service is reached: a stand-in gateway on
 * loopback with a certificate made here by openssl. With the service's CA trusted (Node's
 * NODE_EXTRA_CA_CERTS, read at process start, hence a child process) a session opens and the
 * bearer token arrives; without it the failure is a FlinkGatewayError naming the URL and the
 * TLS cause, not a bare "fetch failed".
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

const dir = mkdtempSync(join(tmpdir(), "sluice-flink-tls-"));
const client = new URL("../../engine/src/connectors/flinkGateway/index.js", import.meta.url).href;
let server: Server;
let url = "";
const authorizations: (string | undefined)[] = [];

before(async () => {
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    {
      stdio: "ignore",
    },
  );
  server = createServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(req.url === "/v3/sessions" ? { sessionHandle: "tls-session" } : { productName: "Apache Flink", version: "2.2.0" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Opens a session from a fresh Node process; prints its handle or the error's class and message. */
async function openSessionFrom(extraCa: string | undefined): Promise<string> {
  const script = `const { FlinkSqlGateway } = await import(${JSON.stringify(client)});
try { console.log((await new FlinkSqlGateway(${JSON.stringify(url)}, { headers: { authorization: "Bearer s3cret" } }).openSession()).handle); }
catch (e) { console.log(e.constructor.name + ": " + e.message); }`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (extraCa === undefined) delete env.NODE_EXTRA_CA_CERTS;
  else env.NODE_EXTRA_CA_CERTS = extraCa;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env });
  return stdout.trim();
}

test("an https gateway whose CA is trusted: the session opens and the bearer token is sent", async () => {
  assert.equal(await openSessionFrom(join(dir, "cert.pem")), "tls-session");
  assert.deepEqual(authorizations, ["Bearer s3cret"]);
});

test("an https gateway whose certificate is not trusted: a FlinkGatewayError naming the URL and the TLS cause", async () => {
  const out = await openSessionFrom(undefined);
  assert.match(out, new RegExp(`^FlinkGatewayError: open session: cannot reach Flink at ${url.replace(/\./g, "\\.")}: fetch failed \\(self[- ]signed certificate[;)]`));
});
