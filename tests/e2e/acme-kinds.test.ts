/** `cluster.AcmeAccount`, `cluster.AcmePlugin` and `node.AcmeCertificate` through the local engine and the simulator. */
import { describe, expect, it } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { certFixture } from "../sim/models/certificates";
import { type Declared, newStack, stepsOf } from "./harness";
import { runScenario } from "./run-scenario";
import { type KindScenario, found } from "./scenarios";

const LE_TOS = "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf";
const ZEROSSL = "https://acme.zerossl.com/v2/DV90";
const ZEROSSL_TOS = "https://secure.trust-provider.com/repository/docs/Legacy/20221001_Certificate_Subscriber_Agreement_v_2_5_click.pdf";
const EAB_KEY = "eab-hmac-secret-9f8e7d6c";

const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** Runs a write that answers with a task and waits for the task. */
async function task(admin: ProxmoxClient, write: Promise<unknown>): Promise<void> {
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

const accountScenario: KindScenario = {
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
const pluginData = (i: number): { $secret: Record<string, string> } => ({ $secret: i === 2 ? { OVH_AS: TOKENS[2] ?? "" } : { CF_Token: TOKENS[i] ?? "", CF_Account_ID: "acct-1" } });

const pluginScenario: KindScenario = {
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

describe("cluster.AcmeAccount through the local engine", () => {
  it("registers, previews no change, updates the contact, replaces, refreshes drift, adopts and deactivates; the EAB key stays secret", async () => {
    await runScenario("acme", accountScenario);
  }, 300_000);
});

describe("cluster.AcmePlugin through the local engine", () => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys; the plugin data stays secret", async () => {
    await runScenario("acme", pluginScenario);
  }, 300_000);
});

type Info = { filename: string; fingerprint: string; san: string[] };
const cert = (name: string, args: Record<string, unknown>): Declared => ({ namespace: "node", kind: "AcmeCertificate", name, args });

describe("node.AcmeCertificate through the local engine", () => {
  it("orders, renews on triggers, adopts a renewal, re-orders after a replacement, adopts and revokes", async () => {
    // Registering the account in the setup needs root@pam's password (PVE refuses API tokens there).
    const stack = await newStack("acme", "environment", { auth: "ticket" });
    const { admin } = stack;
    const proxyCert = async (node: string): Promise<Info | undefined> =>
      (await admin.get<Info[]>(`/nodes/${node}/certificates/info`)).find((i) => i.filename === "pveproxy-ssl.pem");
    const taskTypes = async (node: string): Promise<string[]> =>
      (await admin.get<Array<{ type: string }>>(`/nodes/${node}/tasks`, { limit: 1000 })).map((t) => t.type).filter((t) => t.startsWith("acme")).sort();
    try {
      await task(admin, admin.post("/cluster/acme/account", { contact: "admin@example.com", tos_url: LE_TOS }));
      await admin.post("/cluster/acme/plugins", { id: "cf1", type: "dns", api: "cf", data: b64("CF_Token=x\n") });
      await admin.put("/nodes/pve1/config", { acme: "domains=pve1.example.com", acmedomain0: "domain=api.example.com,plugin=cf1" });

      const rejected = await stack.preview([cert("cert", { node: "pve1", force: "maybe" })]);
      expect(rejected.ok).toBe(false);
      expect(rejected.steps.find((s) => s.name === "cert")?.failures?.map((f) => f.property)).toContain("force");

      const declared = (triggers: Record<string, string>, force = false) => [cert("cert", { node: "pve1", force, triggers })];
      expect(stepsOf(await stack.preview(declared({ month: "1" })))).toEqual(["create cert"]);
      expect(await proxyCert("pve1"), "preview orders nothing").toBeUndefined();

      const created = await stack.up(declared({ month: "1" }));
      expect(created.ok, created.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      const ordered = await proxyCert("pve1");
      expect(ordered?.san).toEqual(["pve1.example.com", "api.example.com"]);
      expect(stack.stateText()).toContain(ordered?.fingerprint);
      expect(stepsOf(await stack.preview(declared({ month: "1" })))).toEqual(["same cert"]);

      // A renewal that is not due is PVE's refusal, unless forced.
      const early = await stack.up(declared({ month: "2" }));
      expect(early.ok).toBe(false);
      expect(early.steps.map((s) => s.error ?? "").join("\n")).toMatch(/does not expire within the next 30 days, and 'force' is not set/);
      const planned = await stack.preview(declared({ month: "2" }, true));
      expect(stepsOf(planned)).toEqual(["update cert"]);
      expect(planned.steps.find((s) => s.name === "cert")?.diffs).toEqual(["force", "triggers"]);
      const renewed = await stack.up(declared({ month: "2" }, true));
      expect(renewed.ok, renewed.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      expect((await proxyCert("pve1"))?.fingerprint).not.toBe(ordered?.fingerprint);
      expect(stack.stateText()).toContain((await proxyCert("pve1"))?.fingerprint);
      expect(stepsOf(await stack.preview(declared({ month: "2" }, true)))).toEqual(["same cert"]);

      // A renewal by hand (as pveupdate does) keeps the names: refresh adopts the new fingerprint.
      await task(admin, admin.put("/nodes/pve1/certificates/acme/certificate", { force: 1 }));
      const byHand = await proxyCert("pve1");
      const refreshed = await stack.refresh(declared({ month: "2" }, true));
      expect(refreshed.ok).toBe(true);
      expect(refreshed.steps.find((s) => s.name === "cert")?.drift).toEqual(expect.arrayContaining(["fingerprint", "notAfter"]));
      expect(stack.stateText()).toContain(byHand?.fingerprint);
      expect(stepsOf(await stack.preview(declared({ month: "2" }, true)))).toEqual(["same cert"]);

      // A custom certificate uploaded by hand took its place: ours is gone, and the next up orders again.
      await admin.post("/nodes/pve1/certificates/custom", { certificates: certFixture("custom-a.pem"), key: certFixture("custom-a.key"), force: 1 });
      expect((await stack.refresh(declared({ month: "2" }, true))).ok).toBe(true);
      expect(stepsOf(await stack.preview(declared({ month: "2" }, true)))).toEqual(["create cert"]);
      expect((await stack.up(declared({ month: "2" }, true))).ok).toBe(true);
      expect((await proxyCert("pve1"))?.san).toEqual(["pve1.example.com", "api.example.com"]);

      // Revoked by hand: refresh finds no certificate.
      await task(admin, admin.delete("/nodes/pve1/certificates/acme/certificate"));
      expect((await stack.refresh(declared({ month: "2" }, true))).ok).toBe(true);
      expect(stepsOf(await stack.preview(declared({ month: "2" }, true)))).toEqual(["create cert"]);
      expect((await stack.up(declared({ month: "2" }, true))).ok).toBe(true);

      // Adopt a certificate ordered by hand on pve2: nothing is ordered again.
      await admin.put("/nodes/pve2/config", { acme: "domains=pve2.example.com" });
      await task(admin, admin.post("/nodes/pve2/certificates/acme/certificate"));
      const byHandOnPve2 = await proxyCert("pve2");
      const withImport = [...declared({ month: "2" }, true), cert("adopted", { node: "pve2", adopt: true })];
      const imported = await stack.up(withImport);
      expect(imported.ok, imported.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      expect(imported.steps.find((s) => s.name === "adopted")?.op).toBe("create");
      expect((await proxyCert("pve2"))?.fingerprint).toBe(byHandOnPve2?.fingerprint);
      expect(stepsOf(await stack.preview(withImport))).toEqual(["same adopted", "same cert"]);

      expect((await stack.destroy(withImport)).ok).toBe(true);
      expect(await proxyCert("pve1")).toBeUndefined();
      expect(await proxyCert("pve2")).toBeUndefined();
      expect(await taskTypes("pve1")).toEqual(["acmenewcert", "acmenewcert", "acmenewcert", "acmeregister", "acmerenew", "acmerenew", "acmerevoke", "acmerevoke"]);
      expect(await taskTypes("pve2")).toEqual(["acmenewcert", "acmerevoke"]);
    } finally {
      await stack.close();
    }
  }, 300_000);
});
