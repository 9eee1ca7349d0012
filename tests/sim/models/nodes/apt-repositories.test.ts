import { describe, expect, it } from "vitest";
import { fakeSim } from "../fake-context";
import { nodeModel } from ".";

const sim = () => fakeSim([nodeModel()]);
const PATH = "/apt/repositories";
const T = "/nodes/{node}/apt/repositories";
const DIR = "/etc/apt/sources.list.d";

interface Repo {
  Types: string[];
  URIs: string[];
  Suites: string[];
  Components: string[];
  Enabled: 0 | 1;
  FileType: string;
  Options: { Key: string; Values: string[] }[];
}
interface Listing {
  digest: string;
  files: { path: string; "file-type": string; digest: number[]; repositories: Repo[] }[];
  errors: unknown[];
  infos: { path: string; index: string; kind: string; message: string }[];
  "standard-repos": { handle: string; name: string; status?: 0 | 1; description?: string }[];
}

const list = async (s: ReturnType<typeof sim>, node = "pve1"): Promise<Listing> => (await s.call("GET", T, { node })) as Listing;
const status = (l: Listing, handle: string): 0 | 1 | undefined => l["standard-repos"].find((r) => r.handle === handle)?.status;

describe(`GET ${PATH}`, () => {
  it("is seeded like a fresh PVE 9 node: deb822 debian, pve-enterprise and ceph sources", async () => {
    const l = await list(sim());
    expect(l.files.map((f) => [f.path, f["file-type"], f.repositories.length])).toEqual([
      [`${DIR}/ceph.sources`, "sources", 1],
      [`${DIR}/debian.sources`, "sources", 2],
      [`${DIR}/pve-enterprise.sources`, "sources", 1],
    ]);
    const enterprise = l.files[2]?.repositories[0];
    expect(enterprise).toMatchObject({
      Types: ["deb"],
      URIs: ["https://enterprise.proxmox.com/debian/pve"],
      Suites: ["trixie"],
      Components: ["pve-enterprise"],
      FileType: "sources",
      Enabled: 1,
    });
    expect(enterprise?.Options).toEqual([{ Key: "Signed-By", Values: ["/usr/share/keyrings/proxmox-archive-keyring.gpg"] }]);
    expect(l.errors).toEqual([]);
    expect(l.infos).toContainEqual({ path: `${DIR}/debian.sources`, index: "1", kind: "origin", message: "Debian" });
  });

  it("reports SHA-256 digests: a byte array per file and a hex digest over all", async () => {
    const l = await list(sim());
    for (const f of l.files) {
      expect(f.digest).toHaveLength(32);
      expect(f.digest.every((b) => Number.isInteger(b) && b >= 0 && b < 256)).toBe(true);
    }
    expect(l.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lists the standard repositories with their status (absent when not configured)", async () => {
    const l = await list(sim());
    expect(l["standard-repos"].map((r) => r.handle)).toEqual([
      "enterprise",
      "no-subscription",
      "test",
      "ceph-squid-enterprise",
      "ceph-squid-no-subscription",
      "ceph-squid-test",
    ]);
    expect(status(l, "enterprise")).toBe(1);
    expect(status(l, "ceph-squid-enterprise")).toBe(1);
    expect(l["standard-repos"].find((r) => r.handle === "ceph-squid-test")).toEqual({
      handle: "ceph-squid-test",
      name: "Ceph Squid Test",
      description: "This repository contains the Ceph Squid packages before they are moved to the main repository.",
    });
    expect("status" in (l["standard-repos"].find((r) => r.handle === "no-subscription") ?? {})).toBe(false);
  });
});

describe(`POST ${PATH} (change a repository)`, () => {
  it("disables and enables the repository at path + index; the digest changes", async () => {
    const s = sim();
    const before = await list(s);
    await s.call("POST", T, { node: "pve1", path: `${DIR}/pve-enterprise.sources`, index: 0, enabled: 0, digest: before.digest });
    const after = await list(s);
    expect(after.files[2]?.repositories[0]?.Enabled).toBe(0);
    expect(status(after, "enterprise")).toBe(0);
    expect(after.digest).not.toBe(before.digest);
    await s.call("POST", T, { node: "pve1", path: `${DIR}/pve-enterprise.sources`, index: 0, enabled: 1 });
    expect((await list(s)).digest).toBe(before.digest);
  });

  it("refuses a stale digest, an unknown path and an index beyond the file with PVE's messages", async () => {
    const s = sim();
    const stale = (await list(s)).digest;
    await s.call("POST", T, { node: "pve1", path: `${DIR}/ceph.sources`, index: 0, enabled: 0 });
    await expect(s.call("POST", T, { node: "pve1", path: `${DIR}/ceph.sources`, index: 0, enabled: 1, digest: stale })).rejects.toMatchObject({
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
    await expect(s.call("POST", T, { node: "pve1", path: `${DIR}/nope.sources`, index: 0, enabled: 1 })).rejects.toMatchObject({
      status: 500,
      message: `invalid path - ${DIR}/nope.sources\n`,
    });
    await expect(s.call("POST", T, { node: "pve1", path: `${DIR}/debian.sources`, index: 2, enabled: 1 })).rejects.toMatchObject({
      status: 500,
      message: "invalid index - 2\n",
    });
  });

  it("keeps nodes apart", async () => {
    const s = sim();
    await s.call("POST", T, { node: "pve1", path: `${DIR}/ceph.sources`, index: 0, enabled: 0 });
    expect((await list(s, "pve2")).files[0]?.repositories[0]?.Enabled).toBe(1);
  });
});

describe(`PUT ${PATH} (add a standard repository)`, () => {
  it("adds a repository that is not configured to its standard file, creating the file", async () => {
    const s = sim();
    await s.call("PUT", T, { node: "pve1", handle: "no-subscription", digest: (await list(s)).digest });
    const l = await list(s);
    const file = l.files.find((f) => f.path === `${DIR}/proxmox.sources`);
    expect(file?.repositories).toEqual([
      expect.objectContaining({ URIs: ["http://download.proxmox.com/debian/pve"], Suites: ["trixie"], Components: ["pve-no-subscription"], Enabled: 1 }),
    ]);
    expect(status(l, "no-subscription")).toBe(1);
    await s.call("PUT", T, { node: "pve1", handle: "test" });
    expect((await list(s)).files.find((f) => f.path === `${DIR}/proxmox.sources`)?.repositories.map((r) => r.Components)).toEqual([
      ["pve-no-subscription"],
      ["pve-test"],
    ]);
  });

  it("enables a configured but disabled repository instead of adding it twice", async () => {
    const s = sim();
    await s.call("POST", T, { node: "pve1", path: `${DIR}/pve-enterprise.sources`, index: 0, enabled: 0 });
    await s.call("PUT", T, { node: "pve1", handle: "enterprise" });
    const l = await list(s);
    expect(l.files.find((f) => f.path === `${DIR}/pve-enterprise.sources`)?.repositories).toHaveLength(1);
    expect(status(l, "enterprise")).toBe(1);
  });

  it("leaves an enabled repository as it is (proxmox-apt returns without writing)", async () => {
    const s = sim();
    const before = (await list(s)).digest;
    await expect(s.call("PUT", T, { node: "pve1", handle: "ceph-squid-enterprise" })).resolves.toBeNull();
    expect((await list(s)).digest).toBe(before);
  });

  it("refuses an unknown handle and a stale digest", async () => {
    const s = sim();
    await expect(s.call("PUT", T, { node: "pve1", handle: "ceph-quincy-enterprise" })).rejects.toMatchObject({
      status: 500,
      message: "unknown repository handle 'ceph-quincy-enterprise'\n",
    });
    const stale = (await list(s)).digest;
    await s.call("PUT", T, { node: "pve1", handle: "test" });
    await expect(s.call("PUT", T, { node: "pve1", handle: "no-subscription", digest: stale })).rejects.toMatchObject({
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
  });
});
