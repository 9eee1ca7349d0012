/**
 * Helpers shared by the access endpoints: PVE's error shapes (`die`, `raise_param_exc`,
 * `lock_user_config`'s `"$errmsg: $err"`), and how values survive the round trip through
 * user.cfg (`write_user_config` / `parse_user_config` in pve-access-control
 * `src/PVE/AccessControl.pm`): Perl truthiness and trimmed fields.
 */
import type { HttpMethod, SimContext, SimHandler } from "../../types";
import { SimError } from "../../types";
import type { SimClock } from "../../core/clock";
import type { PermissionEngine } from "../../core/permissions";
import type { TicketSigner } from "../../core/tickets";
import { underCfsLock } from "../../core/cfs-lock";
import type { AccessStore } from "./store";

/** What the access endpoints work on. */
export interface AccessDeps {
  readonly store: AccessStore;
  readonly signer: TicketSigner;
  readonly perms: PermissionEngine;
  readonly clock: SimClock;
}

/** The `register` function a model receives. */
export type Register = (method: HttpMethod, template: string, handler: SimHandler) => void;

/** One family of access endpoints. */
export type AccessInstaller = (register: Register, ctx: SimContext, deps: AccessDeps) => void;

/** A plain `die "msg\n"`: HTTP 500. */
export function die(message: string): SimError {
  return new SimError(500, `${message}\n`);
}

/** `raise_param_exc`: 400 with per-field errors. */
export function paramError(errors: Record<string, string>): SimError {
  return new SimError(400, "Parameter verification failed.\n", errors);
}

/**
 * `cfs_lock_file` + `$errmsg ? die "$errmsg: $err" : die $err`: runs under the cfs lock
 * `lockId`; with an `errmsg`, any error is re-thrown as a plain 500 prefixed with `$errmsg: `
 * (exceptions are stringified, status code first, as Perl does); without one it passes unchanged.
 */
export function lockConfig<T>(ctx: SimContext, lockId: string, errmsg: string | undefined, fn: () => Promise<T> | T): Promise<T> {
  return underCfsLock(ctx, lockId, errmsg === undefined ? undefined : { prefix: errmsg }, fn);
}

/** `lock_user_config($code, $errmsg)`: {@link lockConfig} on `file-user_cfg`. */
export function lockUserConfig<T>(ctx: SimContext, errmsg: string | undefined, fn: () => Promise<T> | T): Promise<T> {
  return lockConfig(ctx, "file-user_cfg", errmsg, fn);
}

/** The caller as the permission engine names it (`user@realm` or `user@realm!token`). */
export function subjectOf(auth: { userid: string; tokenid?: string }): string {
  return auth.tokenid ? `${auth.userid}!${auth.tokenid}` : auth.userid;
}

/** A string parameter, or undefined. */
export function str(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Copies the defined optional string fields `names` from params onto `target`. */
export function assignStrings<T extends object>(target: T, params: Readonly<Record<string, unknown>>, names: readonly (keyof T & string)[]): void {
  for (const name of names) {
    const v = str(params, name);
    if (v !== undefined) (target as Record<string, unknown>)[name] = v;
  }
}

/** Perl's truthiness of a scalar: `undef`, `""` and `"0"` (and 0) are false. */
export function perlTrue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "" && value !== "0" && value !== 0;
}

/**
 * A text field as it reads back from user.cfg: `write_user_config` writes it only when true
 * (`$d->{comment} ? encode_text(...) : ''`) and `parse_user_config` trims every field and keeps
 * it only when true. `undefined` means the key is absent on read.
 */
export function storedText(value: string | undefined): string | undefined {
  if (!perlTrue(value)) return undefined;
  const trimmed = String(value).trim();
  return perlTrue(trimmed) ? trimmed : undefined;
}
