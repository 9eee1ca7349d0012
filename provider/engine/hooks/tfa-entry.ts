import type { KindHooks } from ".";
import { parseOtpauthTotp, totp } from "../../client/totp";
import type { Identity } from "../identity";

/** Types whose registration is a challenge-response with a browser's authenticator. */
const BROWSER_ONLY: Readonly<Record<string, string>> = {
  webauthn: "WebAuthn",
  u2f: "U2F",
};

/** The factor an `otpauth://totp/` URI describes, or PVE's reason for refusing it. */
function readUri(uri: string): ReturnType<typeof parseOtpauthTotp> | string {
  try {
    return parseOtpauthTotp(uri);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * TFA entries: WebAuthn and U2F cannot be registered through the API; a TOTP entry's URI is
 * checked as PVE reads it, and the entry is confirmed with a current code, which the provider
 * computes from the URI's secret, digits, period and algorithm at apply time.
 */
export const tfaEntryHooks: KindHooks = {
  check(news) {
    const type = news["type"];
    const browser = typeof type === "string" ? BROWSER_ONLY[type] : undefined;
    if (browser) {
      return [
        {
          property: "type",
          reason: `${browser} entries cannot be created through the API: registering one needs a browser's challenge and response. Register it in the web UI (Datacenter → Permissions → Two Factor) and import it.`,
        },
      ];
    }
    const uri = news["totp"];
    if (type === "totp" && typeof uri === "string") {
      const factor = readUri(uri);
      if (typeof factor === "string") return [{ property: "totp", reason: `must be an otpauth://totp/<label>?secret=<BASE32> URI as PVE reads it: ${factor}` }];
    }
    return [];
  },
  // proxmox-tfa keeps a user's recovery keys in one fixed entry (`TfaInfo::recovery`): its id is `recovery`.
  assignedIdentity: (news): Identity => (news["type"] === "recovery" ? { id: "recovery" } : {}),
  beforeCreate(params, news) {
    if (news["type"] !== "totp" || params["value"] !== undefined || typeof news["totp"] !== "string") return params;
    const factor = readUri(news["totp"]);
    if (typeof factor === "string") return params;
    return { ...params, value: totp(factor.secret, Date.now(), factor.period, factor.digits, factor.algorithm) };
  },
};
