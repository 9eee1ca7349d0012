import { describe, expect, it } from "vitest";
import { fakeSim } from "./fake-context";
import { enumOf } from "./schema";
import { storageModel } from "./storage";
import { STORAGE_TYPES } from "./storage-types";

const sim = () => fakeSim([storageModel()]);

describe("storage.cfg", () => {
  it("covers every storage type of the schema", () => {
    expect(Object.keys(STORAGE_TYPES).sort()).toEqual(enumOf("POST", "/storage", "type").sort());
  });

  it("is seeded with local and local-lvm", async () => {
    const s = sim();
    expect(await s.call("GET", "/storage/{storage}", { storage: "local" })).toMatchObject({
      storage: "local", type: "dir", path: "/var/lib/vz", content: "backup,iso,vztmpl",
    });
    expect(await s.call("GET", "/storage/{storage}", { storage: "local-lvm" })).toMatchObject({ type: "lvmthin", thinpool: "data", vgname: "pve" });
  });

  it("requires type-specific fields and reports duplicates with PVE's prefix", async () => {
    const s = sim();
    await expect(s.call("POST", "/storage", { storage: "n1", type: "nfs", server: "10.0.0.5" })).rejects.toMatchObject({
      status: 500, message: "create storage failed: missing value for required option 'export'\n",
    });
    await expect(s.call("POST", "/storage", { storage: "local", type: "dir", path: "/x" })).rejects.toMatchObject({
      message: "create storage failed: storage ID 'local' already defined\n",
    });
    expect(s.locks).toContain("file-storage_cfg");
  });

  it("never returns secrets and canonicalizes content", async () => {
    const s = sim();
    const created = await s.call("POST", "/storage", {
      storage: "backup", type: "pbs", server: "pbs.lan", datastore: "ds1", username: "u@pbs", password: "hunter2",
      "encryption-key": "autogen", content: "backup",
    });
    expect(created).toMatchObject({ storage: "backup", type: "pbs", config: { "encryption-key": expect.any(String) } });
    const item = (await s.call("GET", "/storage/{storage}", { storage: "backup" })) as Record<string, unknown>;
    expect(item).toMatchObject({ server: "pbs.lan", datastore: "ds1", shared: 1 });
    expect(item.password).toBeUndefined();
    expect(item["encryption-key"]).toBeUndefined();
    await s.call("PUT", "/storage/{storage}", { storage: "local", content: "vztmpl,iso,backup,iso" });
    expect(await s.call("GET", "/storage/{storage}", { storage: "local" })).toMatchObject({ content: "backup,iso,vztmpl" });
  });

  it("says 'does not exist' and enforces digest on update", async () => {
    const s = sim();
    await expect(s.call("GET", "/storage/{storage}", { storage: "nope" })).rejects.toMatchObject({ status: 500, message: "storage 'nope' does not exist\n" });
    await expect(s.call("DELETE", "/storage/{storage}", { storage: "nope" })).rejects.toMatchObject({
      message: "delete storage failed: storage 'nope' does not exist\n",
    });
    const { digest } = (await s.call("GET", "/storage/{storage}", { storage: "local" })) as { digest: string };
    await s.call("PUT", "/storage/{storage}", { storage: "local", disable: 1, digest });
    await expect(s.call("PUT", "/storage/{storage}", { storage: "local", disable: 0, digest })).rejects.toMatchObject({
      message: "update storage failed: detected modified configuration - file changed by other user? Try again.\n",
    });
  });

  it("deletes and lists per node with numbers", async () => {
    const s = sim();
    await s.call("POST", "/storage", { storage: "only2", type: "dir", path: "/srv", nodes: "pve2" });
    const onPve1 = (await s.call("GET", "/nodes/{node}/storage", { node: "pve1" })) as { storage: string }[];
    expect(onPve1.map((x) => x.storage)).toEqual(["local", "local-lvm"]);
    const status = (await s.call("GET", "/nodes/{node}/storage/{storage}/status", { node: "pve2", storage: "only2" })) as Record<string, number>;
    expect(status.total).toBe((status.used ?? 0) + (status.avail ?? 0));
    expect(status).toMatchObject({ active: 1, enabled: 1, type: "dir", content: "images,rootdir" });
    await s.call("DELETE", "/storage/{storage}", { storage: "only2" });
    expect(((await s.call("GET", "/storage")) as { storage: string }[]).map((x) => x.storage)).toEqual(["local", "local-lvm"]);
  });
});
