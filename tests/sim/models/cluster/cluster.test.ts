import { describe, expect, it } from "vitest";
import { clusterModel } from ".";
import { fakeSim } from "../fake-context";

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
    await s.call("PUT", "/cluster/options", {
      max_workers: 4,
      "next-id": "lower=500,upper=900",
      crs: "ha=static,ha-rebalance-on-start=yes",
      bwlimit: "default=100",
      migration_unsecure: 1,
    });
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
    expect(await s.call("GET", "/cluster/options")).toMatchObject({
      "registered-tags": ["alpha", "zeta"],
      "user-tag-access": { "user-allow-list": ["db", "web"] },
    });
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
