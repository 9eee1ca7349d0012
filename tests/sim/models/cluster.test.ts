import { describe, expect, it } from "vitest";
import { SimError } from "../types";
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

  it("rejects setting and deleting the same key with a 400", async () => {
    const err = await sim().call("PUT", "/cluster/options", { console: "vv", delete: "console" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimError);
    expect(err).toMatchObject({ status: 400, errors: { delete: "you can't use '-console' and -delete console' at the same time" } });
  });
});
