/** Storage through the HTTPS core: what a user sees (pve-storage `API2/Storage/Config.pm::index`, `Status.pm::index`). */
import { describe, expect, it } from "vitest";
import { storageModel } from ".";
import { login, raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator({ models: [storageModel()] });
const root = { token: TEST_TOKEN };

describe("storage visibility", () => {
  it("lists only the storages a user has Datastore.Audit or Datastore.AllocateSpace on, in both listings", async () => {
    await raw(sim(), "POST", "/access/users", { auth: root, form: { userid: "viewer@pve", password: "viewer-password-1" } });
    await raw(sim(), "PUT", "/access/acl", { auth: root, form: { path: "/storage/local", users: "viewer@pve", roles: "PVEDatastoreUser" } });
    await raw(sim(), "PUT", "/access/acl", { auth: root, form: { path: "/nodes/pve1", users: "viewer@pve", roles: "PVEAuditor" } });
    const ticket = await login(sim(), "viewer@pve", "viewer-password-1");
    const config = await raw(sim(), "GET", "/storage", { auth: ticket });
    expect((config.json?.data as { storage: string }[]).map((s) => s.storage)).toEqual(["local"]);
    const node = await raw(sim(), "GET", "/nodes/pve1/storage", { auth: ticket });
    expect((node.json?.data as { storage: string }[]).map((s) => s.storage)).toEqual(["local"]);
  });
});
