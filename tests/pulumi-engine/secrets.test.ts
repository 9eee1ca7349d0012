// Unit tests of the secret handling (no provider host needed).
import { describe, expect, it } from "vitest";
import { SecretsCrypter, annotateSecrets, markSecretOutputs, stripSecrets } from "./secrets";
import { makeSecret } from "./values";

describe("secrets", () => {
  it("strips sentinels recursively", () => {
    expect(stripSecrets({ a: makeSecret({ b: makeSecret(1) }), c: [makeSecret("x")] })).toEqual({ a: { b: 1 }, c: ["x"] });
  });

  it("annotates outputs whose input of the same key held a secret, recursing into objects", () => {
    const ins = { pw: makeSecret("p"), nested: { inner: makeSecret("i"), plain: 1 }, list: [makeSecret(1), 2], plain: "v" };
    const outs = annotateSecrets({ pw: "p", nested: { inner: "i", plain: 1 }, list: [1, 2], plain: "v", extra: "e" }, ins);
    expect(outs).toEqual({ pw: makeSecret("p"), nested: { inner: makeSecret("i"), plain: 1 }, list: makeSecret([1, 2]), plain: "v", extra: "e" });
    expect(markSecretOutputs({ t: "x", u: 1 }, ["t", "missing"])).toEqual({ t: makeSecret("x"), u: 1 });
  });

  it("encrypts every secret and decrypts it back; the wrong passphrase fails", () => {
    const salt = SecretsCrypter.newSalt();
    const value = { a: makeSecret({ deep: "hunter2" }), b: "plain" };
    const enc = new SecretsCrypter("pass", salt).encrypt(value);
    expect(JSON.stringify(enc)).not.toContain("hunter2");
    expect(new SecretsCrypter("pass", salt).decrypt(enc)).toEqual(value);
    expect(() => new SecretsCrypter("nope", salt).decrypt(enc)).toThrow(/passphrase/i);
    expect(() => new SecretsCrypter(undefined, salt).encrypt(value)).toThrow(/PULUMI_CONFIG_PASSPHRASE/);
  });
});
