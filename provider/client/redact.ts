/**
 * The one place that removes secrets from text. Every message, error property and log line the
 * client produces passes through a {@link Redactor}.
 */

/** The replacement text for a secret. */
export const REDACTED = "[redacted]";

// Shapes of PVE credentials, for secrets the client was never told about (e.g. echoed by a server).
const PATTERNS: RegExp[] = [
  /PVEAPIToken[= ][^\s;,"']+/g, // token header value (contains the secret after the last '=')
  /PVEAuthCookie=[^\s;,"']+/g,
  /PVE(?::|%3A)[^\s:;,"']+(?::|%3A)[0-9A-Fa-f]{8}(?:::|%3A%3A)[^\s;,"']+/g, // tickets, raw or uri-escaped
  /\b[0-9A-F]{8}:[A-Za-z0-9+/]{20,}={0,2}/g, // CSRF prevention tokens
];

/** Replaces every known secret value and every credential-shaped substring. */
export type Redactor = (text: string) => string;

/** Builds a redactor for a changing set of secrets (tickets are renewed, so `secrets()` is read each time). */
export function createRedactor(secrets: () => readonly (string | undefined)[]): Redactor {
  return (text) => {
    let out = text;
    for (const secret of secrets()) {
      // Short values ("1", "pam") would shred ordinary text; real secrets are longer.
      if (secret && secret.length >= 4) {
        out = out.split(secret).join(REDACTED);
        const escaped = encodeURIComponent(secret);
        if (escaped !== secret) out = out.split(escaped).join(REDACTED);
      }
    }
    for (const re of PATTERNS) out = out.replace(re, REDACTED);
    return out;
  };
}

// Parameter names whose values are secrets (user passwords, storage keys, tokens, ...).
const SECRET_PARAM = /pass|secret|token|key|ticket|otp|cookie|challenge/i;

/** The values of secret-looking request parameters, which a server may echo in its errors. */
export function secretParamValues(params: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.entries(params ?? {})
    .filter(([name, value]) => SECRET_PARAM.test(name) && typeof value === "string")
    .map(([, value]) => value as string);
}

/** A redactor that also removes `extra` values (e.g. this request's secret parameters). */
export function withExtraSecrets(redact: Redactor, extra: readonly string[]): Redactor {
  if (extra.length === 0) return redact;
  const more = createRedactor(() => extra);
  return (text) => more(redact(text));
}
