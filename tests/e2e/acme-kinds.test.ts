/** `cluster.AcmeAccount`, `cluster.AcmePlugin` and `node.AcmeCertificate` through the local engine and the simulator. */
import { describe, expect, it } from "vitest";
import { certFixture } from "../sim/models/certificates";
import { LE_TOS, accountScenario, b64, pluginScenario, task } from "./acme-scenarios";
import { type Declared, newStack, stepsOf } from "./harness";
import { runScenario } from "./run-scenario";

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
      (await admin.get<Array<{ type: string }>>(`/nodes/${node}/tasks`, { limit: 1000 }))
        .map((t) => t.type)
        .filter((t) => t.startsWith("acme"))
        .sort();
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
      expect(await taskTypes("pve1")).toEqual([
        "acmenewcert",
        "acmenewcert",
        "acmenewcert",
        "acmeregister",
        "acmerenew",
        "acmerenew",
        "acmerevoke",
        "acmerevoke",
      ]);
      expect(await taskTypes("pve2")).toEqual(["acmenewcert", "acmerevoke"]);
    } finally {
      await stack.close();
    }
  }, 300_000);
});
