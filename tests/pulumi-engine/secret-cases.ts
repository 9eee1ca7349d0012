// Every secret-bearing field of every kind, found from the schema's names and formats plus our
// own list, and one resource per case that sets it, with the strings (the value and the derived
// forms a server may echo) that must never appear in plain text in errors, logs, state or reads.
import type { KindDefinition } from "../../schema/define";
import { definitions } from "../../schema/definitions";
import { certFixture } from "../sim/models/certificates";

/** Names that suggest a secret (whole words of PVE's kebab/snake names, or inside them). */
const SECRET_NAME = /pass|secret|token|key|otp|hmac|cred|cookie|ticket|private|auth|cert|proxy|(?:^|[-_])ur[li](?:$|[-_])/i;
/** Formats that carry key material or credentials. */
const SECRET_FORMAT = /pem|key|pass|secret|token/i;

/** One candidate: a field of a kind, a sub-key of its property string, or an output. */
export interface Candidate {
  kind: string;
  /** The field's SDK name, `field.subKey` for a property-string key, or the output's name. */
  path: string;
  /** The top-level SDK name: what Pulumi marks secret. */
  field: string;
  secret: boolean;
}

/** Fields, property-string keys and outputs whose names or formats look secret. */
export function candidates(defs: readonly KindDefinition[] = definitions): Candidate[] {
  const found: Candidate[] = [];
  for (const def of defs) {
    for (const field of def.fieldList) {
      const format = typeof field.param.format === "string" ? field.param.format : "";
      if (SECRET_NAME.test(field.pveName) || SECRET_FORMAT.test(format))
        found.push({ kind: def.key, path: field.sdkName, field: field.sdkName, secret: field.secret });
      if (field.type.kind === "object") {
        for (const [sub, key] of Object.entries(field.type.keys)) {
          if (SECRET_NAME.test(key.pveName)) found.push({ kind: def.key, path: `${field.sdkName}.${sub}`, field: field.sdkName, secret: field.secret });
        }
      }
    }
    for (const [name, output] of Object.entries(def.outputs ?? {})) {
      if (SECRET_NAME.test(output.pveName) || SECRET_NAME.test(name)) found.push({ kind: def.key, path: name, field: name, secret: output.secret === true });
    }
  }
  return found;
}

/** Every field and output marked secret, as `kind field`. */
export function markedSecrets(defs: readonly KindDefinition[] = definitions): string[] {
  return defs.flatMap((def) => [
    ...def.fieldList.filter((field) => field.secret).map((field) => `${def.key} ${field.sdkName}`),
    ...Object.entries(def.outputs ?? {})
      .filter(([, output]) => output.secret)
      .map(([name]) => `${def.key} ${name}`),
  ]);
}

/** Candidates by name that are no secret, each with the reason (reviewed against PVE's sources). */
export const NOT_SECRET: Readonly<Record<string, string>> = {
  "access:Acl tokenId": "token ids (`user@realm!name`) that the ACL grants to; no token secret",
  "access:ApiToken tokenId": "the token's name; the secret is the output `value`",
  "access:ApiToken fullTokenId": "`user@realm!name`, the public half of `PVEAPIToken=<id>=<value>`",
  "access:Realm cert": "a path on the node (`/etc/pve/priv/...`) to the LDAP client certificate, not its content",
  "access:Realm certkey": "a path on the node to the LDAP client key, not its content",
  "access:Realm issuerUrl": "the OpenID issuer's public URL (a password in it is refused, as in every non-secret field)",
  "access:Realm tfa.url": "inside the secret `tfa`: the Yubico API URL is covered by the whole field",
  "cluster:Options keyboard": "a keyboard layout",
  "cluster:Options webauthn": "WebAuthn relying party settings (id, origin, name): public identifiers",
  "cluster:AcmeAccount tosUrl": "the CA's public Terms of Service URL",
  "storage:Storage masterPubkey": "a PBS *public* master key; PVE never returns it, so it is write-only, but it is no secret",
  "storage:Storage skipCertVerification": "a boolean",
  "sdn:Ipam url": "the IPAM's API URL; its token is the secret `token` (a password in the URL is refused)",
  "node:CustomCertificate certificates": "the public certificate chain; the private key is the secret `key`",
  "vm:VirtualMachine efidisk0.msCert": "which Microsoft UEFI certificate generation to enroll (`2011`, `2023`): a choice, no key material",
  "vm:VirtualMachine efidisk0.preEnrolledKeys": "a boolean: the EFI vars come with the vendors' public Secure Boot keys",
  "vm:VirtualMachine hotplug": "the list of hot-pluggable device classes (`network,disk,usb`)",
  "vm:VirtualMachine keyboard": "a keyboard layout",
  "vm:VirtualMachine sshkeys": "public SSH keys that cloud-init installs: public by nature (the password is the secret `cipassword`)",
};

/** Secret fields that no name or format gives away: our own list, each with the reason. */
export const OUR_LIST: Readonly<Record<string, string>> = {
  "access:ApiToken value": "the token secret, shown once by PVE at creation",
  "access:Tfa value": "a one-time code (TOTP, Yubico OTP) that logs in while it is valid",
  "cluster:AcmePlugin data": "a DNS provider's credentials (`CF_Token=...`), base64 `KEY=value` lines on the wire",
};

/** One resource that sets secret fields, with what must never be seen in plain text. */
export interface SecretCase {
  name: string;
  namespace: string;
  kind: string;
  /** Inputs with plain values; the e2e program wraps the `secrets` among them as `pulumi.secret`. */
  args: Record<string, unknown>;
  /** SDK names of the secret fields (and outputs) the case covers. */
  secrets: string[];
  /** Strings that must never appear in plain text: the values and their derived forms. */
  hidden: string[];
  /** Through the local engine against the simulator (false: PVE needs a service the simulator lacks). */
  e2e: boolean;
  /** Outputs a server assigns (secret outputs such as a token's value), for the delete test of redaction. */
  assigned?: Record<string, unknown>;
}

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const formEncoded = (text: string): string => new URLSearchParams([["", text]]).toString().slice(1);

const USER_PASSWORD = "Us3r pass+word/é";
// PVE's pattern `[0-9a-zA-Z!=]{0,4096}`: one key (a base32 OATH secret here).
const OATH_KEY = "JBSWY3DPEHPK3PXPJBSWY3DP";
const CLIENT_KEY = "oidc-Cl13nt-s3cret-K3y";
const YUBICO_KEY = "yUb1c0ApiK3yS3cret0123==";
const BIND_PASSWORD = "b1nd P4ss+w0rd!";
const TOTP_BASE32 = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const TOTP_URI = `otpauth://totp/pve:alice?secret=${TOTP_BASE32}&issuer=pve`;
const YUBICO_OTP = "cccccbhkevjdnjtkhkvbrhdjurggdkdlnrjlbcjhbdtj";
const PROXY_PASSWORD = "Pr0xy-P4ss-w0rd";
const PROXY = `http://proxy-user:${PROXY_PASSWORD}@proxy.example:3128`;
const EAB_KEY = "eab-hmac-S3cret-9f8e7d6c5b4a";
const CF_TOKEN = "cf-T0ken-0123456789abcdef";
const PBS_PASSWORD = "pb5 Passw0rd+x";
const PBS_KEY_MATERIAL = "c2VjcmV0LWtleS1tYXRlcmlhbC0wMTIzNDU2Nzg5";
// As proxmox-backup-client writes a key: PBSPlugin.pm refuses JSON without `data`.
const PBS_KEY = JSON.stringify({ kdf: null, created: "2025-01-01T00:00:00+00:00", data: PBS_KEY_MATERIAL, fingerprint: "aa:bb" }, null, 2);
const CEPH_KEY = "AQDkN8BlAAAAABAAu3kWFkzFzR3JrYFqLq6pXw==";
const KEYRING = `[client.admin]\n\tkey = ${CEPH_KEY}\n\tcaps mon = "allow *"\n`;
const IPAM_TOKEN = "netbox-T0ken-s3cret-0123";
const CI_PASSWORD = "cl0ud-1nit P4ss+word";
const CERT_KEY = certFixture("custom-a.key");
const CONFIRM_PASSWORD = "c0nfirm-Passw0rd-of-the-actor";
const TOKEN_VALUE = "7c0f3e55-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
const RECOVERY = ["a1b2-c3d4-e5f6-a7b8", "b1c2-d3e4-f5a6-b7c8"];

/** The lines of a PEM key between its armor: each must stay hidden on its own. */
const pemLines = (pem: string): string[] => pem.split("\n").filter((line) => line !== "" && !line.startsWith("-----"));

export const SECRET_CASES: readonly SecretCase[] = [
  {
    name: "user",
    namespace: "access",
    kind: "User",
    args: { userId: "sec-user@pve", password: USER_PASSWORD, keys: OATH_KEY },
    secrets: ["password", "keys"],
    hidden: [USER_PASSWORD, encodeURIComponent(USER_PASSWORD), formEncoded(USER_PASSWORD), b64(USER_PASSWORD), OATH_KEY, b64(OATH_KEY)],
    e2e: true,
  },
  {
    name: "token",
    namespace: "access",
    kind: "ApiToken",
    args: { userId: "sec-user@pve", tokenId: "sec" },
    secrets: ["value"],
    hidden: [],
    e2e: true,
    assigned: { value: TOKEN_VALUE, fullTokenId: "sec-user@pve!sec" },
  },
  {
    name: "oidc",
    namespace: "access",
    kind: "Realm",
    args: { realm: "sec-oidc", type: "openid", issuerUrl: "https://id.example.com", clientId: "pve", clientKey: CLIENT_KEY },
    secrets: ["clientKey"],
    hidden: [CLIENT_KEY, b64(CLIENT_KEY)],
    e2e: true,
  },
  {
    name: "pve-realm-tfa",
    namespace: "access",
    kind: "Realm",
    args: { realm: "pve", type: "pve", tfa: { type: "yubico", id: "4242", key: YUBICO_KEY, url: "https://api.yubico.example/wsapi/2.0/verify" } },
    secrets: ["tfa"],
    hidden: [YUBICO_KEY, encodeURIComponent(YUBICO_KEY)],
    e2e: true,
  },
  {
    name: "ldap",
    namespace: "access",
    kind: "Realm",
    args: {
      realm: "sec-ldap",
      type: "ldap",
      server1: "ldap.example.com",
      baseDn: "dc=example,dc=com",
      userAttr: "uid",
      bindDn: "cn=admin",
      password: BIND_PASSWORD,
    },
    secrets: ["password"],
    hidden: [BIND_PASSWORD, formEncoded(BIND_PASSWORD), encodeURIComponent(BIND_PASSWORD)],
    e2e: true,
  },
  {
    name: "totp",
    namespace: "access",
    kind: "Tfa",
    args: { userId: "alice@pve", type: "totp", totp: TOTP_URI, description: "phone", password: CONFIRM_PASSWORD },
    secrets: ["totp", "password"],
    hidden: [TOTP_URI, TOTP_BASE32, encodeURIComponent(TOTP_URI), CONFIRM_PASSWORD],
    e2e: true,
  },
  {
    name: "yubico-otp",
    namespace: "access",
    kind: "Tfa",
    args: { userId: "alice@pve", type: "yubico", value: YUBICO_OTP, description: "key" },
    secrets: ["value"],
    hidden: [YUBICO_OTP],
    // PVE checks a Yubico OTP with Yubico's servers, which the simulator does not play.
    e2e: false,
  },
  {
    name: "recovery",
    namespace: "access",
    kind: "Tfa",
    args: { userId: "alice@pve", type: "recovery" },
    secrets: ["recoveryKeys"],
    hidden: [],
    e2e: true,
    assigned: { entryId: "recovery", recoveryKeys: RECOVERY },
  },
  {
    name: "options",
    namespace: "cluster",
    kind: "Options",
    args: { httpProxy: PROXY },
    secrets: ["httpProxy"],
    hidden: [PROXY, PROXY_PASSWORD, encodeURIComponent(PROXY)],
    e2e: true,
  },
  {
    name: "acme-account",
    namespace: "cluster",
    kind: "AcmeAccount",
    args: {
      accountName: "sec-acme",
      contact: ["a@example.com"],
      directory: "https://acme.zerossl.com/v2/DV90",
      tosUrl: "https://secure.trust-provider.com/repository/docs/Legacy/20221001_Certificate_Subscriber_Agreement_v_2_5_click.pdf",
      eabKid: "kid-1",
      eabHmacKey: EAB_KEY,
    },
    secrets: ["eabHmacKey"],
    hidden: [EAB_KEY, b64(EAB_KEY)],
    e2e: true,
  },
  {
    name: "acme-plugin",
    namespace: "cluster",
    kind: "AcmePlugin",
    args: { pluginId: "sec-cf", type: "dns", api: "cf", data: { CF_Token: CF_TOKEN, CF_Account_ID: "acct-1" } },
    secrets: ["data"],
    hidden: [CF_TOKEN, `CF_Token=${CF_TOKEN}`, b64(`CF_Token=${CF_TOKEN}\nCF_Account_ID=acct-1\n`)],
    e2e: true,
  },
  {
    name: "pbs",
    namespace: "storage",
    kind: "Storage",
    args: {
      storageId: "sec-pbs",
      type: "pbs",
      server: "pbs.example.com",
      datastore: "main",
      username: "pve@pbs",
      password: PBS_PASSWORD,
      encryptionKey: PBS_KEY,
      content: ["backup"],
    },
    secrets: ["password", "encryptionKey"],
    hidden: [PBS_PASSWORD, formEncoded(PBS_PASSWORD), PBS_KEY_MATERIAL, encodeURIComponent(PBS_KEY), b64(PBS_KEY)],
    e2e: true,
  },
  {
    name: "rbd",
    namespace: "storage",
    kind: "Storage",
    args: { storageId: "sec-rbd", type: "rbd", pool: "rbd", monhost: ["10.0.0.1"], keyring: KEYRING, content: ["images"] },
    secrets: ["keyring"],
    hidden: [CEPH_KEY, `key = ${CEPH_KEY}`, encodeURIComponent(KEYRING), formEncoded(KEYRING)],
    e2e: true,
  },
  {
    name: "ipam",
    namespace: "sdn",
    kind: "Ipam",
    args: { ipam: "secnb", type: "netbox", url: "https://netbox.example/api", token: IPAM_TOKEN },
    secrets: ["token"],
    hidden: [IPAM_TOKEN, b64(IPAM_TOKEN)],
    e2e: true,
  },
  {
    name: "vm",
    namespace: "vm",
    kind: "VirtualMachine",
    args: { node: "pve1", vmid: 4400, started: false, ciuser: "ops", cipassword: CI_PASSWORD },
    secrets: ["cipassword"],
    hidden: [CI_PASSWORD, encodeURIComponent(CI_PASSWORD), formEncoded(CI_PASSWORD)],
    e2e: true,
  },
  {
    name: "certificate",
    namespace: "node",
    kind: "CustomCertificate",
    args: { node: "pve1", certificates: certFixture("custom-a.pem"), key: CERT_KEY },
    secrets: ["key"],
    hidden: [...pemLines(CERT_KEY), encodeURIComponent(CERT_KEY), formEncoded(CERT_KEY)],
    e2e: true,
  },
];

/** The token's value and the recovery keys: what PVE assigns and a hostile server may echo. */
export const ASSIGNED_SECRETS = [TOKEN_VALUE, ...RECOVERY];
