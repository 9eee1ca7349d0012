/**
 * Hooks: the few things a kind needs that its data cannot say. A definition holds its hooks by
 * value (`hooks: userHooks`, written beside it); the engine calls each at a fixed point of the
 * lifecycle and lends it what it needs through its arguments, so that a definition and its hooks
 * import nothing from `provider/`.
 */
import type { FieldDef } from "./fields";
import type { Caller, Identity, Props, PveMethod, WireParams } from "./props";

/** A per-field failure, as Pulumi's `check` reports it. */
export interface CheckFailure {
  /** The SDK name of the input (dotted for a key inside it). */
  property: string;
  reason: string;
}

/** A TOTP factor as an `otpauth://totp/` URI describes it. */
export interface TotpFactor {
  readonly secret: string;
  readonly digits: number;
  readonly period: number;
  readonly algorithm: "SHA1" | "SHA256" | "SHA512";
}

/** What the engine lends every hook: its classification of PVE's errors, and TOTP. */
export interface HookKit {
  /** The engine's class of a PVE error (`not-found`, `permission`, `conflict`, ...), if it is one. */
  errorKind(error: unknown): string | undefined;
  /** Reads an `otpauth://totp/` URI as PVE does; throws PVE's reason for one it refuses. */
  parseTotpUri(uri: string): TotpFactor;
  /** The factor's current code at `timeMs`. */
  totpCode(factor: TotpFactor, timeMs: number): string;
}

/** What a hook that talks to PVE gets: the kit and the connected cluster's calls. */
export interface HookApi extends HookKit {
  request<T = unknown>(method: PveMethod, path: string, params?: WireParams): Promise<T>;
  /** Who the requests are made as, when the connection knows. */
  caller(): Caller | undefined;
}

/** The hook points of a kind; each is optional. */
export interface KindHooks {
  /** Cross-field rules the schema cannot express; runs after field validation, on known values only. */
  check?(news: Props, kit: HookKit): CheckFailure[];
  /**
   * Checks that need the connected PVE (e.g. privileges of its major version). Runs in `check`
   * (so in preview) after the local checks passed, with values that may still be unknown.
   */
  checkRemote?(api: HookApi, news: Props): Promise<CheckFailure[]>;
  /**
   * Identity parts PVE assigns that follow from the inputs (a TFA recovery entry is always
   * `recovery`): they let a create whose answer was lost find the object it made.
   */
  assignedIdentity?(news: Props): Identity;
  /** Completes the create call's parameters with values derived at apply time (e.g. a TOTP code). */
  beforeCreate?(params: WireParams, news: Props, kit: HookKit): WireParams;
  /** Reshapes PVE's read-back before decoding (e.g. a role's privileges come back as keys). */
  decodeRead?(raw: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** Applies changes of fields that the update call cannot carry (e.g. a password), before the update call. */
  beforeUpdate?(api: HookApi, identity: Identity, changed: ReadonlySet<FieldDef>, news: Props): Promise<void>;
}
