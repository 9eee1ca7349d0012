import type { KindHooks } from ".";
import { totp } from "../../client/totp";
import type { Identity } from "../identity";

/** Types whose registration is a challenge-response with a browser's authenticator. */
const BROWSER_ONLY: Readonly<Record<string, string>> = {
  webauthn: "WebAuthn",
  u2f: "U2F",
};

/** The base32 secret of an `otpauth://totp/...?secret=...` URI. */
function secretOf(uri: string): string | undefined {
  try {
    return new URL(uri).searchParams.get("secret") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * TFA entries: WebAuthn and U2F cannot be registered through the API; a TOTP entry is confirmed
 * with a current code, which the provider computes from the secret at apply time.
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
    if (type === "totp" && typeof uri === "string" && !secretOf(uri)?.match(/^[A-Z2-7]+=*$/i)) {
      return [{ property: "totp", reason: "must be an otpauth://totp/<label>?secret=<BASE32> URI with a base32 secret" }];
    }
    return [];
  },
  // proxmox-tfa keeps a user's recovery keys in one fixed entry (`TfaInfo::recovery`): its id is `recovery`.
  assignedIdentity: (news): Identity => (news["type"] === "recovery" ? { id: "recovery" } : {}),
  beforeCreate(params, news) {
    if (news["type"] !== "totp" || params["value"] !== undefined || typeof news["totp"] !== "string") return params;
    const secret = secretOf(news["totp"]);
    return secret ? { ...params, value: totp(secret) } : params;
  },
};
