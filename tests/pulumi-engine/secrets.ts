// Secret handling, as the Go engine does it for a provider that does not accept secrets:
// strip the sentinels before each call, then re-mark the outputs (port of annotateSecrets in
// pkg/resource/plugin/provider_plugin.go), plus the resource's additionalSecretOutputs.
// Also the at-rest encryption of secret values in the state file.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { SIG_KEY, SECRET_SIG, isObject, isSecret, makeSecret, containsSecrets, type PropertyMap } from "./values";

/** Replaces every secret sentinel by its plain value (the host says acceptSecrets=false). */
export function stripSecrets(v: unknown): unknown {
  if (isSecret(v)) return stripSecrets(v.value);
  if (Array.isArray(v)) return v.map(stripSecrets);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripSecrets(x)]));
  return v;
}

export function stripMap(m: PropertyMap): PropertyMap {
  return stripSecrets(m) as PropertyMap;
}

/**
 * An output key is secret when the input of the same key contained a secret; objects recurse so
 * that one secret field does not taint a whole structure. Mutates and returns `outs`.
 */
export function annotateSecrets(outs: PropertyMap, ins: PropertyMap): PropertyMap {
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in outs)) continue;
    const outValue = outs[key];
    if (isObject(outValue) && !isSecret(outValue) && isObject(inValue) && !isSecret(inValue)) {
      annotateSecrets(outValue, inValue);
    } else if (!isSecret(outValue) && containsSecrets(inValue)) {
      outs[key] = makeSecret(outValue);
    }
  }
  return outs;
}

/**
 * `massagePropertyValue`: a secret becomes the string `[secret]`, or its value (itself massaged)
 * when secrets are shown; arrays and objects are massaged member by member.
 */
export function massageSecrets(value: unknown, showSecrets: boolean): unknown {
  if (isSecret(value)) return showSecrets ? massageSecrets(value.value, showSecrets) : "[secret]";
  if (Array.isArray(value)) return value.map((v) => massageSecrets(v, showSecrets));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, massageSecrets(v, showSecrets)]));
  return value;
}

/** Marks the named top-level outputs secret (the `additionalSecretOutputs` resource option). */
export function markSecretOutputs(outs: PropertyMap, keys: readonly string[]): PropertyMap {
  for (const k of keys) if (k in outs) outs[k] = makeSecret(outs[k]);
  return outs;
}

// ---- encryption at rest --------------------------------------------------------------------

/** The form a secret takes in the state file: the sentinel with ciphertext instead of value. */
interface EncryptedSecret {
  [SIG_KEY]: typeof SECRET_SIG;
  ciphertext: string;
}

function isEncrypted(v: unknown): v is EncryptedSecret {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG && typeof v.ciphertext === "string";
}

// scrypt is deliberately slow (~40 ms, synchronous): the state is saved after every step, and a
// new derivation per save blocked the event loop of the engine for most of a large apply. The key
// depends only on passphrase and salt, so it is derived once per pair. The last pair is enough:
// one engine run uses one state file.
let lastKey: { passphrase: string; salt: string; key: Buffer } | undefined;

function deriveKey(passphrase: string, salt: string): Buffer {
  if (lastKey?.passphrase !== passphrase || lastKey.salt !== salt) {
    lastKey = { passphrase, salt, key: scryptSync(passphrase, Buffer.from(salt, "base64"), 32) };
  }
  return lastKey.key;
}

export class SecretsCrypter {
  private readonly key: Buffer | undefined;

  /** `passphrase` undefined: the state may hold no secret (encrypt/decrypt then throw). */
  constructor(passphrase: string | undefined, salt: string) {
    this.key = passphrase === undefined ? undefined : deriveKey(passphrase, salt);
  }

  static newSalt(): string {
    return randomBytes(16).toString("base64");
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw new Error("the state holds secrets: set PULUMI_CONFIG_PASSPHRASE to encrypt or decrypt them");
    }
    return this.key;
  }

  /** Deep copy of `v` with every secret's value replaced by its AES-256-GCM ciphertext. */
  encrypt(v: unknown): unknown {
    if (isSecret(v)) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", this.requireKey(), nonce);
      const body = Buffer.concat([cipher.update(JSON.stringify(v.value), "utf8"), cipher.final(), cipher.getAuthTag()]);
      return { [SIG_KEY]: SECRET_SIG, ciphertext: `v1:${nonce.toString("base64")}:${body.toString("base64")}` };
    }
    if (Array.isArray(v)) return v.map((x) => this.encrypt(x));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.encrypt(x)]));
    return v;
  }

  /** Inverse of encrypt: ciphertexts become secret sentinels holding the plain value again. */
  decrypt(v: unknown): unknown {
    if (isEncrypted(v)) {
      const [version, nonce, body] = v.ciphertext.split(":");
      if (version !== "v1" || nonce === undefined || body === undefined) throw new Error("malformed secret in state");
      const raw = Buffer.from(body, "base64");
      const decipher = createDecipheriv("aes-256-gcm", this.requireKey(), Buffer.from(nonce, "base64"));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      let plain: string;
      try {
        plain = Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString("utf8");
      } catch {
        throw new Error("cannot decrypt a secret in the state: wrong PULUMI_CONFIG_PASSPHRASE?");
      }
      return makeSecret(JSON.parse(plain) as unknown);
    }
    if (Array.isArray(v)) return v.map((x) => this.decrypt(x));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.decrypt(x)]));
    return v;
  }
}
