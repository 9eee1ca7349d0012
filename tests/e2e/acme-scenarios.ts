/** ACME kinds' scenarios (`cluster.AcmeAccount`, `cluster.AcmePlugin`), shared by the Pulumi and the tofu suites. */
import type { ProxmoxClient } from "../../provider/client";
import { type KindScenario, found } from "./scenarios";

export const LE_TOS = "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf";
const ZEROSSL = "https://acme.zerossl.com/v2/DV90";
const ZEROSSL_TOS = "https://secure.trust-provider.com/repository/docs/Legacy/20221001_Certificate_Subscriber_Agreement_v_2_5_click.pdf";
const EAB_KEY = "eab-hmac-secret-9f8e7d6c";

export const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** Runs a write that answers with a task and waits for the task. */
export async function task(admin: ProxmoxClient, write: Promise<unknown>): Promise<void> {
  const upid = await write;
  if (typeof upid === "string") await admin.waitForTask(upid);
}

const zeroSsl = (accountName: string, contact: string[]): Record<string, unknown> => ({
  accountName,
  contact,
  directory: ZEROSSL,
  tosUrl: ZEROSSL_TOS,
  eabKid: "kid-1",
  eabHmacKey: { $secret: EAB_KEY },
});

export const accountScenario: KindScenario = {
  namespace: "cluster",
  kind: "AcmeAccount",
  initial: zeroSsl("main", ["a@example.com"]),
  updated: { args: zeroSsl("main", ["b@example.com", "c@example.com"]), diffs: ["contact"] },
  replaced: { args: zeroSsl("second", ["b@example.com", "c@example.com"]), replaces: ["accountName"] },
  // Let's Encrypt has Terms of Service: preview asks for them to be accepted, naming the input.
  invalid: { args: { accountName: "main", contact: ["a@example.com"] }, property: "tosUrl" },
  exists: (admin, a) => found(() => admin.get(`/cluster/acme/account/${String(a["accountName"])}`)),
  drift: {
    edit: (admin, a) => task(admin, admin.put(`/cluster/acme/account/${String(a["accountName"])}`, { contact: "hand@example.com" })),
    keys: ["contact"],
  },
  existing: async (admin) => {
    await task(admin, admin.post("/cluster/acme/account", { name: "adopted", contact: "x@example.com", tos_url: LE_TOS }));
    return { importId: "adopted", args: { accountName: "adopted", contact: ["x@example.com"], tosUrl: LE_TOS } };
  },
  secrets: [EAB_KEY],
  // PVE lets only root@pam itself manage ACME accounts: an API token, even root's, is refused.
  auth: "ticket",
};

const TOKENS = ["first-secret-token-1a2b", "second-secret-token-3c4d", "adopted-secret-5e6f"];
/** The plugin's settings as the SDK takes them: a map, sent to PVE as base64 of `KEY=value` lines. */
const pluginData = (i: number): { $secret: Record<string, string> } => ({
  $secret: i === 2 ? { OVH_AS: TOKENS[2] ?? "" } : { CF_Token: TOKENS[i] ?? "", CF_Account_ID: "acct-1" },
});

export const pluginScenario: KindScenario = {
  namespace: "cluster",
  kind: "AcmePlugin",
  initial: { pluginId: "cf1", type: "dns", api: "cf", data: pluginData(0), validationDelay: 60 },
  updated: { args: { pluginId: "cf1", type: "dns", api: "cf", data: pluginData(1), validationDelay: 90 }, diffs: ["data", "validationDelay"] },
  replaced: { args: { pluginId: "cf2", type: "dns", api: "cf", data: pluginData(1), validationDelay: 90 }, replaces: ["pluginId"] },
  // A standalone (HTTP-01) plugin has no DNS API.
  invalid: { args: { pluginId: "web", type: "standalone", api: "cf" }, property: "api" },
  exists: (admin, a) => found(() => admin.get(`/cluster/acme/plugins/${String(a["pluginId"])}`)),
  // A token changed by hand is drift too (PVE returns the data), and stays secret.
  drift: {
    edit: (admin, a) => admin.put(`/cluster/acme/plugins/${String(a["pluginId"])}`, { "validation-delay": 5, data: b64("CF_Token=by-hand-secret-7a8b\n") }),
    keys: ["data", "validationDelay"],
  },
  existing: async (admin) => {
    await admin.post("/cluster/acme/plugins", { id: "adopted", type: "dns", api: "ovh", data: b64(`OVH_AS=${TOKENS[2]}\n`) });
    return { importId: "adopted", args: { pluginId: "adopted", type: "dns", api: "ovh", data: pluginData(2) } };
  },
  secrets: [...TOKENS, b64(`OVH_AS=${TOKENS[2]}\n`), "by-hand-secret-7a8b"],
};
