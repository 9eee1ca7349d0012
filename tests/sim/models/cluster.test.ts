import { describe, expect, it } from "vitest";
import { clusterModel } from "./cluster";
import { fakeSim } from "./fake-context";

const sim = () => fakeSim([clusterModel({ runnerDelayMs: 60_000 })]);

describe("metric servers (generic store)", () => {
  it("creates on the item path, hides the token and rejects duplicates", async () => {
    const s = sim();
    await s.call("POST", "/cluster/metrics/server/{id}", { id: "influx", type: "influxdb", server: "10.0.0.1", port: 8089, token: "secret" });
    const item = (await s.call("GET", "/cluster/metrics/server/{id}", { id: "influx" })) as Record<string, unknown>;
    expect(item).toMatchObject({ id: "influx", type: "influxdb", server: "10.0.0.1", port: 8089 });
    expect(item.token).toBeUndefined();
    await expect(s.call("POST", "/cluster/metrics/server/{id}", { id: "influx", type: "graphite", server: "x", port: 1 })).rejects.toMatchObject({
      status: 500,
      message: "Metric server 'influx' already exists\n",
    });
    expect(await s.call("GET", "/cluster/metrics/server")).toEqual([{ id: "influx", disable: 0, type: "influxdb", server: "10.0.0.1", port: 8089 }]);
    expect(s.locks).toContain("file-status_cfg");
  });

  it("reports a missing entry with PVE's wording", async () => {
    await expect(sim().call("GET", "/cluster/metrics/server/{id}", { id: "nope" })).rejects.toMatchObject({
      status: 500,
      message: "status server entry 'nope' does not exist\n",
    });
  });

  it("applies delete lists split on , ; and whitespace and refuses set+delete", async () => {
    const s = sim();
    await s.call("POST", "/cluster/metrics/server/{id}", { id: "g", type: "graphite", server: "h", port: 2003, path: "p", mtu: 1400, proto: "udp" });
    await s.call("PUT", "/cluster/metrics/server/{id}", { id: "g", server: "h", port: 2003, delete: "path; mtu proto" });
    const item = (await s.call("GET", "/cluster/metrics/server/{id}", { id: "g" })) as Record<string, unknown>;
    expect(item.path).toBeUndefined();
    expect(item.mtu).toBeUndefined();
    expect(item.proto).toBeUndefined();
    await expect(s.call("PUT", "/cluster/metrics/server/{id}", { id: "g", server: "h", port: 2003, mtu: 1500, delete: "mtu" })).rejects.toMatchObject({
      message: "cannot set and delete property 'mtu' at the same time!\n",
    });
    await expect(s.call("PUT", "/cluster/metrics/server/{id}", { id: "g", server: "h", port: 1, delete: "bogus" })).rejects.toMatchObject({
      message: "no such option 'bogus'\n",
    });
    await expect(s.call("PUT", "/cluster/metrics/server/{id}", { id: "g", server: "h", port: 1, delete: "server" })).rejects.toMatchObject({
      message: "unable to delete required option 'server'\n",
    });
  });
});

describe("cluster options", () => {
  it("stores options, returns property strings parsed and deletes keys", async () => {
    const s = sim();
    await s.call("PUT", "/cluster/options", { migration: "insecure,network=10.1.0.0/24", console: "html5", ha: "shutdown_policy=migrate" });
    expect(await s.call("GET", "/cluster/options")).toMatchObject({
      migration: { type: "insecure", network: "10.1.0.0/24" },
      ha: { shutdown_policy: "migrate" },
      console: "html5",
    });
    await s.call("PUT", "/cluster/options", { delete: "console,ha" });
    const after = (await s.call("GET", "/cluster/options")) as Record<string, unknown>;
    expect(after.console).toBeUndefined();
    expect(after.ha).toBeUndefined();
    expect(s.locks).toContain("file-datacenter_cfg");
  });

  it("sets, then deletes without any check: a key both set and deleted ends up deleted, an unset key is fine", async () => {
    const s = sim();
    await s.call("PUT", "/cluster/options", { console: "vv", delete: "console,language,max_workers" });
    expect((await s.call("GET", "/cluster/options")) as Record<string, unknown>).not.toHaveProperty("console");
  });

  it("always returns a description (each comment line with its newline), the default MAC prefix and allowed-tags", async () => {
    const s = sim();
    expect(await s.call("GET", "/cluster/options")).toEqual({ keyboard: "en-us", description: "", mac_prefix: "BC:24:11", "allowed-tags": [] });
    await s.call("PUT", "/cluster/options", { description: "rack A\n\nsecond line\n\n", mac_prefix: "bc:24:11" });
    expect(await s.call("GET", "/cluster/options")).toMatchObject({ description: "rack A\n\nsecond line\n", mac_prefix: "BC:24:11" });
  });

  it("reads integers and property-string values back as the strings of the file, booleans as 0/1; writes migration_unsecure as migration", async () => {
    const s = sim();
    await s.call("PUT", "/cluster/options", { max_workers: 4, "next-id": "lower=500,upper=900", crs: "ha=static,ha-rebalance-on-start=yes", bwlimit: "default=100", migration_unsecure: 1 });
    expect(await s.call("GET", "/cluster/options")).toMatchObject({
      max_workers: "4",
      "next-id": { lower: "500", upper: "900" },
      crs: { ha: "static", "ha-rebalance-on-start": 1 },
      bwlimit: "default=100",
      migration: { type: "insecure" },
    });
    expect(await s.call("GET", "/cluster/options")).not.toHaveProperty("migration_unsecure");
  });

  it("splits tag lists, and sorts them when the file is written again", async () => {
    const s = sim();
    await s.call("PUT", "/cluster/options", { "registered-tags": "zeta;alpha", "user-tag-access": "user-allow=list,user-allow-list=web;db" });
    expect(await s.call("GET", "/cluster/options")).toMatchObject({
      "registered-tags": ["zeta", "alpha"],
      "user-tag-access": { "user-allow": "list", "user-allow-list": ["web", "db"] },
      "allowed-tags": ["alpha", "db", "web", "zeta"],
    });
    await s.call("PUT", "/cluster/options", { keyboard: "de" });
    expect(await s.call("GET", "/cluster/options")).toMatchObject({ "registered-tags": ["alpha", "zeta"], "user-tag-access": { "user-allow-list": ["db", "web"] } });
  });

  it("maps the deprecated applet console to html5 and refuses a next-id range whose lower bound is above the upper", async () => {
    const s = sim();
    await s.call("PUT", "/cluster/options", { console: "applet" });
    expect(await s.call("GET", "/cluster/options")).toMatchObject({ console: "html5" });
    await expect(s.call("PUT", "/cluster/options", { "next-id": "lower=900,upper=500" })).rejects.toMatchObject({
      status: 500,
      message: "lower (900) <= upper (500) boundary rule broken\n",
    });
  });
});

describe("backup jobs", () => {
  it("generates backup-<hex> ids and folds starttime/dow into schedule", async () => {
    const s = sim();
    await s.call("POST", "/cluster/backup", { vmid: "100,101", starttime: "02:30", dow: "sat", storage: "local", "prune-backups": "keep-last=3" });
    const list = (await s.call("GET", "/cluster/backup")) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]?.id).toMatch(/^backup-[0-9a-f]{8}-[0-9a-f]{4}$/);
    expect(list[0]).toMatchObject({ schedule: "sat 02:30", vmid: "100,101", enabled: 1, "prune-backups": "keep-last=3", type: "vzdump" });
    expect(list[0]?.starttime).toBeUndefined();
  });

  it("enforces the all/vmid/pool selection and switches it on update", async () => {
    const s = sim();
    await expect(s.call("POST", "/cluster/backup", { id: "b1", schedule: "daily" })).rejects.toMatchObject({ status: 400, errors: { vmid: "property is missing" } });
    await expect(s.call("POST", "/cluster/backup", { id: "b1", all: 1, vmid: "100" })).rejects.toMatchObject({ errors: { all: "option conflicts with option 'vmid'" } });
    await s.call("POST", "/cluster/backup", { id: "b1", all: 1, schedule: "daily" });
    await s.call("PUT", "/cluster/backup/{id}", { id: "b1", pool: "prod" });
    expect(await s.call("GET", "/cluster/backup/{id}", { id: "b1" })).toMatchObject({ id: "b1", pool: "prod" });
    expect(((await s.call("GET", "/cluster/backup/{id}", { id: "b1" })) as Record<string, unknown>).all).toBeUndefined();
    await expect(s.call("GET", "/cluster/backup/{id}", { id: "zz" })).rejects.toMatchObject({ status: 400, errors: { id: "No such job 'zz'" } });
  });
});

describe("replication jobs", () => {
  it("marks a deleted job for removal until the runner has run", async () => {
    const s = sim();
    await s.call("POST", "/cluster/replication", { id: "100-0", type: "local", target: "pve2", schedule: "*/30" });
    expect(await s.call("GET", "/cluster/replication/{id}", { id: "100-0" })).toMatchObject({ guest: 100, jobnum: 0, source: "pve1", target: "pve2" });
    await s.call("DELETE", "/cluster/replication/{id}", { id: "100-0" });
    expect(await s.call("GET", "/cluster/replication/{id}", { id: "100-0" })).toMatchObject({ remove_job: "full" });
    s.advance(60_000);
    expect(await s.call("GET", "/cluster/replication")).toEqual([]);
    await expect(s.call("GET", "/cluster/replication/{id}", { id: "100-0" })).rejects.toMatchObject({ message: "no such replication job '100-0'\n" });
  });

  it("keep marks local removal, force removes at once, and both conflict", async () => {
    const s = sim();
    await s.call("POST", "/cluster/replication", { id: "101-1", type: "local", target: "pve3" });
    await s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", keep: 1 });
    expect(await s.call("GET", "/cluster/replication/{id}", { id: "101-1" })).toMatchObject({ remove_job: "local" });
    await expect(s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", keep: 1, force: 1 })).rejects.toMatchObject({ status: 400 });
    await s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", force: 1 });
    expect(await s.call("GET", "/cluster/replication")).toEqual([]);
  });

  it("enforces digest and rejects a target equal to the source", async () => {
    const s = sim();
    await expect(s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve1" })).rejects.toMatchObject({
      message: "Source and target must not be identical\n",
    });
    await s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve2" });
    const { digest } = (await s.call("GET", "/cluster/replication/{id}", { id: "102-0" })) as { digest: string };
    await s.call("PUT", "/cluster/replication/{id}", { id: "102-0", comment: "a", digest });
    await expect(s.call("PUT", "/cluster/replication/{id}", { id: "102-0", comment: "b", digest })).rejects.toMatchObject({
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
  });
});
