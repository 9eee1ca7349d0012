/**
 * What a client sees of an error raised inside a cluster-filesystem lock (pve-cluster
 * `PVE/Cluster.pm` `$cfs_lock`, behind `cfs_lock_file`, `cfs_lock_domain`, `cfs_lock_storage`,
 * `cfs_lock_firewall`, ...). `$cfs_lock` itself keeps an exception as it is (`$@ = $err` for a
 * `PVE::Exception` or any error of the locked code) and prefixes only failures of the locking
 * (`cfs-lock '<id>' error: got lock request timeout`). The caller then re-raises `$@`, and how it
 * does decides the answer:
 * - `die $@ if $@` / `$errmsg ? ... : die $err` (pve-firewall `lock_clusterfw_conf`,
 *   `lock_hostfw_conf`): the exception object goes on, so a 400 stays a 400 with its `errors`;
 * - `die "$@" if $@` (pve-manager `API2/Backup.pm`, `API2/ReplicationConfig.pm`): the exception is
 *   stringified (pve-common `PVE/Exception.pm` `stringify`) into a plain die, i.e. HTTP 500 whose
 *   message is `400 Parameter verification failed.\n` followed by one `field: message` line each;
 * - `die "$errmsg: $err"` (pve-access-control `lock_user_config`, pve-storage
 *   `lock_storage_config`, pve-network `lock_sdn_domain`): the same, after `$errmsg: `.
 */
import { SimError, type SimContext } from "../types";

/**
 * How a handler re-raises the error its locked code left: `undefined` keeps the exception
 * (`die $@`); `{}` stringifies it (`die "$@"`); `{ prefix }` stringifies it after `prefix: `
 * (`die "$errmsg: $err"`).
 */
export type Reraise = { readonly prefix?: string } | undefined;

/** `PVE::Exception::stringify`: `<code> <msg>`, a newline, then `field: message` per error. */
export function stringifyException(err: SimError): string {
  // A plain `die "text\n"` reaches the client as a 500 with no code of its own.
  const head = err.status === 500 ? err.message : `${err.status} ${err.message}`;
  const withNewline = head.endsWith("\n") ? head : `${head}\n`;
  const lines = Object.entries(err.errors ?? {}).map(([field, message]) => `${field}: ${message}\n`);
  return withNewline + lines.join("");
}

/** The error the handler raises for `err`, re-raised as `how` says. */
export function reraise(err: unknown, how: Reraise): unknown {
  if (how === undefined || !(err instanceof SimError)) return err;
  const text = stringifyException(err);
  return new SimError(500, how.prefix ? `${how.prefix}: ${text}` : text);
}

/** Runs `fn` under the cfs lock `lockId` and re-raises its error as the handler does (`how`). */
export async function underCfsLock<T>(ctx: Pick<SimContext, "withLock">, lockId: string, how: Reraise, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await ctx.withLock(lockId, fn);
  } catch (err) {
    throw reraise(err, how);
  }
}
