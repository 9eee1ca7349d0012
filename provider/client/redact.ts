/**
 * The one place that removes secrets from text. Every message, error property and log line the
 * client produces passes through a {@link Redactor}. A secret is removed in every form a server
 * may echo it in (see {@link secretForms}), not only as the value that was sent.
 */

/** The replacement text for a secret. */
export const REDACTED = "[redacted]";

// Shapes of PVE credentials, for secrets the client was never told about (e.g. echoed by a server).
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/PVEAPIToken[= ][^\s;,"']+/g, REDACTED], // token header value (contains the secret after the last '=')
  [/PVEAuthCookie=[^\s;,"']+/g, REDACTED],
  [/PVE(?::|%3A)[^\s:;,"']+(?::|%3A)[0-9A-Fa-f]{8}(?:::|%3A%3A)[^\s;,"']+/g, REDACTED], // tickets, raw or uri-escaped
  [/\b[0-9A-F]{8}:[A-Za-z0-9+/]{20,}={0,2}/g, REDACTED], // CSRF prevention tokens
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${REDACTED}@`], // the password in a URL's userinfo
];

/** Replaces every known secret value and every credential-shaped substring. */
export type Redactor = (text: string) => string;

// Whole values shorter than this would shred ordinary text ("1", "pam"); real secrets are longer.
const MIN_SECRET = 4;
// Parts of a value (a line, a sub-key, a decoded form) shorter than this are not worth a guess:
// `type=yubico` or `digits=6` inside a secret property string are not what makes it secret.
const MIN_PART = 8;
const PEM_ARMOR = /^-----(?:BEGIN|END) [A-Z0-9 ]+-----$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Decoded text that is not text (random bytes) is no form anyone would print.
// eslint-disable-next-line no-control-regex -- printable means no control characters but line breaks and tabs
const PRINTABLE = /^[^\u0000-\u0008\u000e-\u001f\u007f\ufffd]*$/;

/** How a server may write a value: in a URL query or a form body (`%20`, `+`), in JSON, as base64. */
function encodings(value: string): string[] {
  const percent = encodeURIComponent(value);
  const form = new URLSearchParams([["", value]]).toString().slice(1);
  const json = JSON.stringify(value).slice(1, -1);
  const base64 = Buffer.from(value).toString("base64");
  return [percent, form, json, base64].filter((form) => form !== value);
}

/** Parts of a structured value that are secret with it, each a value in its own right. */
function parts(value: string): string[] {
  const found: string[] = [];
  // Lines of a PEM key, a keyring, `KEY=value` lines; the armor lines of a PEM are no secret.
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (!PEM_ARMOR.test(trimmed)) found.push(trimmed);
    }
  }
  // Items of a list (`key1,key2`) and `key=value` pairs: property strings (`type=yubico,key=...`),
  // keyring lines (`key = AQ...`).
  for (const pair of value.split(/[,;\r\n]/)) {
    const eq = pair.indexOf("=");
    const item = eq > 0 ? pair.slice(eq + 1).trim() : pair.trim();
    if (!PEM_ARMOR.test(item)) found.push(item);
  }
  // A URL: its userinfo and query values (the base32 `secret` of an `otpauth://totp/...` URI).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.password) found.push(url.password, decodeURIComponent(url.password), `${url.username}:${url.password}`);
      for (const [key, v] of url.searchParams) {
        found.push(v);
        if (key === "secret") found.push(v.toUpperCase(), v.replace(/=+$/, ""));
      }
    } catch {
      // Not a URL after all: its other parts are still found above.
    }
  }
  // A base64 value (PVE's encoding of an ACME plugin's `data`) and the text inside it.
  if (BASE64.test(value) && value.length >= MIN_PART) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    if (PRINTABLE.test(decoded)) found.push(decoded);
  }
  // A JSON document (a PBS encryption key file): its string values.
  if (/^\s*[[{]/.test(value)) {
    try {
      collectStrings(JSON.parse(value) as unknown, found);
    } catch {
      // Not JSON: nothing more to find.
    }
  }
  return found;
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((item) => collectStrings(item, into));
}

const formsCache = new Map<string, readonly string[]>();
const CACHE_LIMIT = 512;

/**
 * Every form of `secret` a server may echo: the value, its percent, form (`+`), JSON and base64
 * encodings, and, for structured values, their parts (lines of a PEM or keyring, values of a
 * property string, the password of a URL's userinfo, the base32 of a TOTP URI, the text of a
 * base64 value, the strings of a JSON document), each with its own encodings. Longest first, so
 * that a part never leaves the rest of a longer form behind.
 */
export function secretForms(secret: string): readonly string[] {
  const cached = formsCache.get(secret);
  if (cached) return cached;
  const forms = new Set<string>();
  const add = (value: string, min: number, depth: number): void => {
    if (value.length < min || forms.has(value)) return;
    forms.add(value);
    for (const encoded of encodings(value)) forms.add(encoded);
    if (depth < 3) for (const part of parts(value)) add(part, MIN_PART, depth + 1);
  };
  if (secret.length >= MIN_SECRET) add(secret, MIN_SECRET, 0);
  const result = [...forms].sort((a, b) => b.length - a.length);
  if (formsCache.size >= CACHE_LIMIT) formsCache.clear();
  formsCache.set(secret, result);
  return result;
}

/** Builds a redactor for a changing set of secrets (tickets are renewed, so `secrets()` is read each time). */
export function createRedactor(secrets: () => readonly (string | undefined)[]): Redactor {
  return (text) => {
    let out = text;
    const forms = secrets().flatMap((secret) => (secret ? secretForms(secret) : []));
    // All secrets' forms together, longest first: one secret's part may be inside another's form.
    for (const form of forms.sort((a, b) => b.length - a.length)) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  };
}

// Parameter names whose values are secrets (user passwords, storage keys, tokens, ...).
const SECRET_PARAM = /pass|secret|token|key|ticket|otp|cookie|challenge/i;
// Parameters secret only on some paths: TFA's `value` is a one-time code, a recovery key or a WebAuthn answer.
const SECRET_ON_PATH: ReadonlyArray<[RegExp, string]> = [[/^\/?access\/tfa(?:\/|$)/, "value"]];

/** The values of secret-looking request parameters of a call to `path`, which a server may echo in its errors. */
export function secretParamValues(params: Readonly<Record<string, unknown>> | undefined, path = ""): string[] {
  const onPath = SECRET_ON_PATH.filter(([re]) => re.test(path)).map(([, name]) => name);
  return Object.entries(params ?? {})
    .filter(([name, value]) => (SECRET_PARAM.test(name) || onPath.includes(name)) && typeof value === "string")
    .map(([, value]) => value as string);
}

/** A redactor that also removes `extra` values (e.g. this request's secret parameters). */
export function withExtraSecrets(redact: Redactor, extra: readonly string[]): Redactor {
  if (extra.length === 0) return redact;
  const more = createRedactor(() => extra);
  // The extra values first: they are often structured values (a PEM key, a property string) whose parts are longer than a credential.
  return (text) => redact(more(text));
}
