/**
 * The one sanitizer of text that comes from a server (PVE's messages, per-field errors, task log
 * lines and exit statuses, UPIDs, TLS failure details): it passes through here before anyone
 * prints it or puts it in an error, so a hostile or broken endpoint cannot drive the terminal
 * (escape sequences), forge lines (CR/LF) or hide text (bidi overrides).
 */

// Tabs and line breaks separate words: they become one space each run.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// The rest of C0, DEL and C1 (ESC, CSI, BEL, NUL, ...), and the bidi embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Server text made safe to print: no control characters, one line. */
export function cleanServerText(text: string): string {
  return text.replace(BREAKS, " ").replace(CONTROLS, "");
}

/** Longest task log line kept, in characters: a task's output is for people, not a data channel. */
export const MAX_LINE_CHARS = 4096;

/** A line cut to {@link MAX_LINE_CHARS}. Cut only redacted text: a cut could split a secret's form. */
export function cutLine(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)} [${text.length - MAX_LINE_CHARS} more characters]` : text;
}

/**
 * Server text as a user may see it: redacted, cleaned, and redacted again. The first pass
 * removes secrets in their raw form (a PEM key's line breaks intact); the second the ones the
 * cleaning joined (a secret a server broke up with control characters).
 */
export function safeServerText(text: string, redact: (text: string) => string): string {
  return redact(cleanServerText(redact(text)));
}
