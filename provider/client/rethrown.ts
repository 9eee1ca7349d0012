/**
 * Exceptions PVE re-raised as text. Many handlers run their work under a cluster-file lock and
 * re-raise what it threw with `die "$@"` or `die "$errmsg: $err"` (pve-manager's backup jobs,
 * `lock_user_config`, `lock_storage_config`, `lock_sdn_domain`): that turns an exception with a
 * status into a plain die, so the client gets HTTP 500 whose message is the exception as
 * pve-common's `PVE::Exception::stringify` writes it: `[<errmsg>: ]<code> <msg>` and then one
 * `<field>: <message>` line per parameter error, e.g.
 * `delete sdn zone object failed: 400 Parameter verification failed.\nzone: ...`.
 * This module recovers the status, message and per-field errors that were raised.
 */

/** What the handler raised before it was re-raised as text. */
export interface Rethrown {
  /** The exception's own status (400, 403, ...). */
  readonly status: number;
  /** Its message (first line, without the prefix and the status). */
  readonly message: string;
  /** Its per-field errors, when the text carries them. */
  readonly errors?: Readonly<Record<string, string>>;
}

/** The statuses PVE's exceptions carry (`raise_param_exc`, `raise_perm_exc`, `raise(..., code => ...)`). */
const INNER = /(?:^|: )(400|401|403|404|501) (\S.*)$/;
/** A `field: message` line of a stringified parameter exception (`net0`, `acmedomain1`, `icmp-type`, ...). */
const FIELD_LINE = /^([A-Za-z][\w-]*(?:\[n\])?): (.*)$/;

/** The exception inside a 500's message, or undefined when the message is a plain die. */
export function unwrapRethrown(message: string): Rethrown | undefined {
  const [first = "", ...rest] = message.split("\n");
  const inner = INNER.exec(first);
  if (!inner?.[1] || !inner[2]) return undefined;
  const errors: Record<string, string> = {};
  for (const line of rest) {
    const field = FIELD_LINE.exec(line);
    if (field?.[1] && field[2] !== undefined) errors[field[1]] = field[2].trim();
  }
  return { status: Number(inner[1]), message: inner[2].trim(), ...(Object.keys(errors).length > 0 ? { errors } : {}) };
}
