import { test } from "node:test";
import assert from "node:assert/strict";
import { BadSignatureError, decode, encode, MalformedMessageError } from "./framing.js";
import { makeHeader } from "./messages.js";
import { Signer, UnsupportedSchemeError } from "./signing.js";

const signer = new Signer("hmac-sha256", "secret");

function frames(content: unknown, s = signer): Buffer[] {
  return encode({ identities: [Buffer.from("client")], header: makeHeader("execute_request", "s1"), parent_header: {}, content }, s);
}

test("a message round-trips through encode and decode", () => {
  const msg = decode(frames({ code: "1+1" }), signer);
  assert.equal(msg.header.msg_type, "execute_request");
  assert.deepEqual(msg.content, { code: "1+1" });
  assert.deepEqual(msg.identities.map(String), ["client"]);
});

test("a wrong key or a missing signature is rejected before any JSON is parsed", () => {
  assert.throws(() => decode(frames({}, new Signer("hmac-sha256", "other")), signer), BadSignatureError);
  const unsigned = frames({});
  unsigned[2] = Buffer.from("");
  assert.throws(() => decode(unsigned, signer), BadSignatureError);
  const tampered = frames({ code: "1" });
  tampered[6] = Buffer.from('{"code":"2"}');
  assert.throws(() => decode(tampered, signer), BadSignatureError);
});

test("framing errors are typed", () => {
  assert.throws(() => decode([Buffer.from("no delimiter")], signer), MalformedMessageError);
  assert.throws(() => decode([Buffer.from("<IDS|MSG>"), Buffer.from("x")], signer), MalformedMessageError);
  const notJson = [Buffer.from("<IDS|MSG>"), Buffer.from(""), Buffer.from("{"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
  assert.throws(() => decode(notJson, new Signer("hmac-sha256", "")), MalformedMessageError);
});

test("an unknown signature scheme is refused", () => {
  assert.throws(() => new Signer("rot13", "k"), UnsupportedSchemeError);
});
