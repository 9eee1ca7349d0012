import { describe, expect, it } from "vitest";
import { definitionOf } from "../../../../schema/definitions";
import { fakeSim } from "../fake-context";
import { enumOf } from "../../core/schema";
import { storageModel } from ".";
import { STORAGE_TYPES, hashOrder } from "./plugins";

const sim = () => fakeSim([storageModel()]);
const set = (list: unknown): string[] => String(list).split(",").sort();

describe("storage.cfg", () => {
  it("covers every storage type of the schema", () => {
    expect(Object.keys(STORAGE_TYPES).sort()).toEqual(enumOf("POST", "/storage", "type").sort());
  });

  it("agrees with the product's per-type table: what each type accepts beyond content/nodes/disable, and requires", () => {
    const variants = definitionOf("storage:Storage").variants;
    for (const [name, t] of Object.entries(STORAGE_TYPES)) {
      const own = Object.keys(t.options).filter((key) => !["content", "nodes", "disable"].includes(key));
      expect([name, [...(variants?.accepts[name] ?? [])].sort()]).toEqual([name, own.sort()]);
      // NFS, CIFS and CephFS fill a missing path themselves.
      const needed = Object.entries(t.options)
        .filter(([key, o]) => !o.optional && !(key === "path" && t.mountsUnderMntPve))
        .map(([key]) => key);
      // ESXi's on_add_hook also refuses a storage without a password.
      if (name === "esxi") needed.push("password");
      expect([name, [...(variants?.requires?.[name] ?? [])].sort()]).toEqual([name, needed.sort()]);
    }
  });

  it("is seeded with local and local-lvm, content in a Perl hash's order (neither sorted nor as written)", async () => {
    const s = sim();
    const local = (await s.call("GET", "/storage/{storage}", { storage: "local" })) as Record<string, unknown>;
    expect(local).toMatchObject({ storage: "local", type: "dir", path: "/var/lib/vz" });
    expect(set(local.content)).toEqual(["backup", "iso", "vztmpl"]);
    expect(local.content).toBe(hashOrder(["iso", "vztmpl", "backup"]).join(","));
    expect(hashOrder(["backup", "images", "iso", "rootdir", "snippets", "vztmpl"])).not.toEqual(["backup", "images", "iso", "rootdir", "snippets", "vztmpl"]);
    expect(await s.call("GET", "/storage/{storage}", { storage: "local-lvm" })).toMatchObject({ type: "lvmthin", thinpool: "data", vgname: "pve" });
  });

  it("checks a new storage's options for its type before the lock: no prefix", async () => {
    const s = sim();
    await expect(s.call("POST", "/storage", { storage: "n1", type: "nfs", server: "10.0.0.5" })).rejects.toMatchObject({
      status: 500,
      message: "missing value for required option 'export'\n",
    });
    await expect(s.call("POST", "/storage", { storage: "d1", type: "dir" })).rejects.toMatchObject({ message: "missing value for required option 'path'\n" });
    await expect(s.call("POST", "/storage", { storage: "d1", type: "dir", path: "/srv/my dir" })).rejects.toMatchObject({
      message: "illegal path for directory storage: /srv/my dir\n",
    });
    await expect(s.call("POST", "/storage", { storage: "l1", type: "lvm", vgname: "vg", preallocation: "full" })).rejects.toMatchObject({
      message: "unexpected property 'preallocation'\n",
    });
    await expect(s.call("POST", "/storage", { storage: "n2", type: "nfs", server: "h", export: "/x", path: "/mnt/x", shared: 1 })).rejects.toMatchObject({
      message: "unexpected property 'shared'\n",
    });
    await expect(s.call("POST", "/storage", { storage: "n3", type: "nfs", server: "h", export: "/x", path: "/mnt/x", keyring: "k" })).rejects.toMatchObject({
      message: "unexpected property 'keyring'\n",
    });
    // The duplicate is found under the lock, with the prefix.
    await expect(s.call("POST", "/storage", { storage: "local", type: "dir", path: "/x" })).rejects.toMatchObject({
      message: "create storage failed: storage ID 'local' already defined\n",
    });
    expect(s.locks).toContain("file-storage_cfg");
  });

  it("mounts network file systems under /mnt/pve/<id> unless told, and canonicalizes a directory's path", async () => {
    const s = sim();
    await s.call("POST", "/storage", { storage: "nas", type: "nfs", server: "10.0.0.5", export: "/export" });
    expect(await s.call("GET", "/storage/{storage}", { storage: "nas" })).toMatchObject({ path: "/mnt/pve/nas" });
    await s.call("POST", "/storage", { storage: "d2", type: "dir", path: "/srv//data/" });
    expect(await s.call("GET", "/storage/{storage}", { storage: "d2" })).toMatchObject({ path: "/srv/data" });
  });

  it("fills the type's default content and forces shared for network types on read (cephfs: backup; lvm: images; esxi: not shared)", async () => {
    const s = sim();
    await s.call("POST", "/storage", { storage: "cfs", type: "cephfs" });
    await s.call("POST", "/storage", { storage: "vg", type: "lvm", vgname: "vg0" });
    await s.call("POST", "/storage", { storage: "esx", type: "esxi", server: "esx.lan", username: "root", password: "pw" });
    expect(await s.call("GET", "/storage/{storage}", { storage: "cfs" })).toMatchObject({ content: "backup", shared: 1 });
    const vg = (await s.call("GET", "/storage/{storage}", { storage: "vg" })) as Record<string, unknown>;
    expect([vg.content, vg.shared]).toEqual(["images", undefined]);
    const esx = (await s.call("GET", "/storage/{storage}", { storage: "esx" })) as Record<string, unknown>;
    expect([esx.content, esx.shared, esx.password]).toEqual(["import", undefined, undefined]);
  });

  it("drops content types the plugin does not support and refuses none with others", async () => {
    const s = sim();
    await s.call("POST", "/storage", { storage: "vg", type: "lvm", vgname: "vg0", content: "images,iso,backup" });
    expect(await s.call("GET", "/storage/{storage}", { storage: "vg" })).toMatchObject({ content: "images" });
    await expect(s.call("POST", "/storage", { storage: "d2", type: "dir", path: "/d2", content: "none,iso" })).rejects.toMatchObject({
      message: "unable to combine 'none' with other content types\n",
    });
    await expect(s.call("POST", "/storage", { storage: "vg2", type: "lvm", vgname: "vg0", content: "iso" })).rejects.toMatchObject({
      message: "storage does not support content type 'none'\n",
    });
  });

  it("keeps a PBS key out of storage.cfg but its fingerprint in, and hands a generated key back once", async () => {
    const s = sim();
    const created = (await s.call("POST", "/storage", {
      storage: "backup",
      type: "pbs",
      server: "pbs.lan",
      datastore: "ds1",
      username: "u@pbs",
      password: "hunter2",
      "encryption-key": "autogen",
    })) as { config: { "encryption-key": string } };
    const key = JSON.parse(created.config["encryption-key"]) as { kdf: null; data: string; fingerprint: string };
    expect(key).toMatchObject({ kdf: null, data: expect.any(String), fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/) });
    const item = (await s.call("GET", "/storage/{storage}", { storage: "backup" })) as Record<string, unknown>;
    expect(item).toMatchObject({ server: "pbs.lan", datastore: "ds1", shared: 1, content: "backup", "encryption-key": key.fingerprint });
    expect(item.password).toBeUndefined();
    await expect(s.call("PUT", "/storage/{storage}", { storage: "backup", "encryption-key": "not json" })).rejects.toMatchObject({
      message: "update storage failed: Value does not seems like a valid, JSON formatted encryption key!\n",
    });
    await s.call("PUT", "/storage/{storage}", { storage: "backup", delete: "encryption-key" });
    expect(await s.call("GET", "/storage/{storage}", { storage: "backup" })).not.toHaveProperty("encryption-key");
    await expect(s.call("POST", "/storage", { storage: "esx", type: "esxi", server: "esx.lan", username: "root" })).rejects.toMatchObject({
      message: "create storage failed: missing password\n",
    });
  });

  it("refuses changing or deleting fixed options, and set+delete, under the lock", async () => {
    const s = sim();
    await expect(s.call("PUT", "/storage/{storage}", { storage: "local", path: "/srv" })).rejects.toMatchObject({
      message: "update storage failed: can't change value of fixed parameter 'path'\n",
    });
    await expect(s.call("PUT", "/storage/{storage}", { storage: "local-lvm", preallocation: "full" })).rejects.toMatchObject({
      message: "update storage failed: unexpected property 'preallocation'\n",
    });
    await expect(s.call("PUT", "/storage/{storage}", { storage: "local", delete: "path" })).rejects.toMatchObject({
      message: "update storage failed: unable to delete required option 'path'\n",
    });
    await expect(s.call("PUT", "/storage/{storage}", { storage: "local", disable: 1, delete: "disable" })).rejects.toMatchObject({
      message: "update storage failed: cannot set and delete property 'disable' at the same time!\n",
    });
    await s.call("POST", "/storage", { storage: "vg", type: "lvm", vgname: "vg0", base: "local:base-100-disk-0" });
    await expect(s.call("PUT", "/storage/{storage}", { storage: "vg", delete: "base" })).rejects.toMatchObject({
      message: "update storage failed: unable to delete fixed option 'base'\n",
    });
    expect(await s.call("PUT", "/storage/{storage}", { storage: "vg", content: "rootdir" })).toEqual({ storage: "vg", type: "lvm" });
    await expect(s.call("DELETE", "/storage/{storage}", { storage: "local" })).rejects.toMatchObject({
      message: "delete storage failed: can't remove storage - storage is used as base of another storage\n",
    });
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

  it("keeps a `local` storage however storage.cfg changes: deleting it brings back PVE's default", async () => {
    const s = sim();
    await s.call("DELETE", "/storage/{storage}", { storage: "local" });
    const local = (await s.call("GET", "/storage/{storage}", { storage: "local" })) as Record<string, unknown>;
    expect(local).toMatchObject({ type: "dir", path: "/var/lib/vz", priority: 0, "prune-backups": "keep-all=1" });
    expect(set(local.content)).toEqual(["backup", "images", "iso", "rootdir", "snippets", "vztmpl"]);
  });

  it("lists every storage per node: one not on the node is there, disabled, without used_fraction", async () => {
    const s = sim();
    await s.call("POST", "/storage", { storage: "only2", type: "dir", path: "/srv", nodes: "pve2" });
    const onPve1 = (await s.call("GET", "/nodes/{node}/storage", { node: "pve1" })) as Record<string, unknown>[];
    expect(onPve1.map((x) => x.storage)).toEqual(["local", "local-lvm", "only2"]);
    expect(onPve1.find((x) => x.storage === "only2")).toEqual({
      storage: "only2",
      type: "dir",
      total: 0,
      used: 0,
      avail: 0,
      shared: 0,
      content: expect.any(String),
      active: 0,
      enabled: 0,
    });
    expect((await s.call("GET", "/nodes/{node}/storage", { node: "pve1", content: "images" })) as unknown[]).toHaveLength(1);
    const status = (await s.call("GET", "/nodes/{node}/storage/{storage}/status", { node: "pve1", storage: "only2" })) as Record<string, number>;
    expect(status).toMatchObject({ active: 0, enabled: 0, total: 0 });
    const onPve2 = (await s.call("GET", "/nodes/{node}/storage/{storage}/status", { node: "pve2", storage: "only2" })) as Record<string, number>;
    expect(onPve2.total).toBe((onPve2.used ?? 0) + (onPve2.avail ?? 0));
    await expect(s.call("GET", "/nodes/{node}/storage/{storage}/status", { node: "pve1", storage: "nope" })).rejects.toMatchObject({
      status: 400,
      errors: { storage: "No such storage." },
    });
    await expect(s.call("GET", "/nodes/{node}/storage", { node: "pve1", storage: "nope" })).rejects.toMatchObject({
      status: 400,
      errors: { storage: "No such storage." },
    });
    await s.call("DELETE", "/storage/{storage}", { storage: "only2" });
    expect(((await s.call("GET", "/storage")) as { storage: string }[]).map((x) => x.storage)).toEqual(["local", "local-lvm"]);
  });
});
