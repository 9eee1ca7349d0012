/** What the engine lends a kind's hooks (`schema/hooks.ts`): its error classes, TOTP, and the calls. */
import type { HookApi, HookKit, KindHooks } from "../../schema/hooks";
import type { KindDefinition } from "../../schema/define";
import { parseOtpauthTotp, totp } from "../client";
import { type EngineApi, errorKind } from "./api";

/** The kit every hook gets. */
export const hookKit: HookKit = {
  errorKind,
  parseTotpUri: parseOtpauthTotp,
  totpCode: (factor, timeMs) => totp(factor.secret, timeMs, factor.period, factor.digits, factor.algorithm),
};

/** The kit and the connected cluster's calls, for hooks that talk to PVE. */
export function hookApi(api: EngineApi): HookApi {
  return { ...hookKit, request: (method, path, params) => api.request(method, path, params), caller: () => api.caller?.() };
}

/** The kind's hooks (none when it has none). */
export function hooksOf(def: KindDefinition): KindHooks {
  return def.hooks ?? {};
}
