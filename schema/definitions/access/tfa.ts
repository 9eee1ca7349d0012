import { defineKind, restCalls } from "../../define";
import type { HookKit, KindHooks, TotpFactor } from "../../hooks";
import type { Identity } from "../../props";

/** Types whose registration is a challenge-response with a browser's authenticator. */
const BROWSER_ONLY: Readonly<Record<string, string>> = {
  webauthn: "WebAuthn",
  u2f: "U2F",
};

/** The factor an `otpauth://totp/` URI describes, or PVE's reason for refusing it. */
function readUri(kit: HookKit, uri: string): TotpFactor | string {
  try {
    return kit.parseTotpUri(uri);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * TFA entries: WebAuthn and U2F cannot be registered through the API; a TOTP entry's URI is
 * checked as PVE reads it, and the entry is confirmed with a current code, which the provider
 * computes from the URI's secret, digits, period and algorithm at apply time.
 */
const tfaEntryHooks: KindHooks = {
  check(news, kit) {
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
      const factor = readUri(kit, uri);
      if (typeof factor === "string") return [{ property: "totp", reason: `must be an otpauth://totp/<label>?secret=<BASE32> URI as PVE reads it: ${factor}` }];
    }
    return [];
  },
  // proxmox-tfa keeps a user's recovery keys in one fixed entry (`TfaInfo::recovery`): its id is `recovery`.
  assignedIdentity: (news): Identity => (news["type"] === "recovery" ? { id: "recovery" } : {}),
  beforeCreate(params, news, kit) {
    if (news["type"] !== "totp" || params["value"] !== undefined || typeof news["totp"] !== "string") return params;
    const factor = readUri(kit, news["totp"]);
    if (typeof factor === "string") return params;
    return { ...params, value: kit.totpCode(factor, Date.now()) };
  },
};

/** `access.Tfa`: a second factor of a user (`/access/tfa/{userid}`). */
export const tfa = defineKind({
  namespace: "access",
  name: "Tfa",
  description:
    "A second factor of a user (`/access/tfa/{userid}`): `totp` (give the `otpauth://totp/...` URI as the secret " +
    "`totp`; the provider computes the confirmation code itself), `yubico` (give an OTP of the key as `value`), or " +
    "`recovery` (PVE generates ten one-time keys, returned once as the secret output `recoveryKeys`). `webauthn` " +
    "and `u2f` cannot be created through the API: registering them needs a browser's challenge and response. " +
    "Only `description` and `enable` can change; anything else creates a new entry. Users other than `root@pam` " +
    "must confirm with their own `password`.",
  lifecycle: "collection",
  identity: ["userid", "id"],
  idSeparator: "/",
  ...restCalls("/access/tfa/{userid}", "/access/tfa/{userid}/{id}"),
  // `id` is assigned by PVE (the output `entryId`); `challenge` belongs to browser registrations.
  exclude: ["challenge", "id"],
  hooks: tfaEntryHooks,
  // A recovery entry has no description of its own (PVE drops one) and cannot be changed.
  variants: {
    field: "type",
    accepts: { totp: ["totp", "value", "description", "enable"], yubico: ["value", "description", "enable"] },
    requires: { totp: ["totp", "description"], yubico: ["value", "description"] },
  },
  fields: {
    userid: { sdkName: "userId", doc: "The user (`name@realm`)." },
    type: { doc: "`totp`, `yubico` or `recovery` (`webauthn` and `u2f` need a browser and are rejected in preview)." },
    description: { doc: "A description shown in the TFA list; PVE requires one for `totp` and `yubico` and keeps none for `recovery`." },
    enable: { unset: 1, doc: "Whether the entry may be used (`totp` and `yubico`; recovery keys cannot be disabled). PVE's default is true." },
    totp: {
      secret: true,
      writeOnly: true,
      doc: "TOTP: the `otpauth://totp/<label>?secret=<BASE32>` URI; PVE takes `digits`, `period`, `algorithm` and `issuer` besides the secret. A secret; PVE never returns it.",
    },
    value: {
      secret: true,
      writeOnly: true,
      doc: "Yubico: an OTP of the key. TOTP: leave unset, the provider computes the current code from `totp`.",
    },
    password: {
      secret: true,
      writeOnly: true,
      doc: "The password of the user making the change (PVE asks everyone but `root@pam` to confirm). A secret.",
    },
  },
  outputs: {
    entryId: { pveName: "id", type: "string", fromCreate: true, doc: "The id PVE gave the entry (`recovery` for recovery keys)." },
    recoveryKeys: {
      pveName: "recovery",
      type: "list",
      fromCreate: true,
      secret: true,
      doc: "Recovery keys, shown by PVE only once at creation. A secret output.",
    },
    created: { pveName: "created", type: "number", doc: "When the entry was created (seconds since the epoch)." },
  },
});
