import { readFileSync } from "node:fs";
import nock from "nock";
import { describe, expect, test } from "vitest";
import { PveApiError } from "../../index";
import { API, ORIGIN, rejection, tokenClient } from "./helpers";
import { useNock } from "./nock";

useNock();
const fixture = (path: string): unknown => JSON.parse(readFileSync(`/work/shared/fixtures/${path}`, "utf8"));

describe("responses", () => {
  test("resolves to the unwrapped data of {data: ...}", async () => {
    nock(ORIGIN)
      .get(`${API}/cluster/status`)
      .reply(200, fixture("go-proxmox/pve8x/get_cluster_status.json") as nock.Body);
    const data = await tokenClient().get<{ type: string }[]>("/cluster/status");
    expect(Array.isArray(data)).toBe(true);
    expect(data.length).toBeGreaterThan(0);
    expect(data[0]).toHaveProperty("type");
  });

  test("numbers as strings pass through unchanged (no blind coercion)", async () => {
    nock(ORIGIN)
      .get(`${API}/cluster/nextid`)
      .reply(200, fixture("go-proxmox/pve8x/get_cluster_nextid.json") as nock.Body);
    expect(await tokenClient().get("/cluster/nextid")).toBe("100");
    nock(ORIGIN)
      .get(`${API}/nodes/pve1/qemu/100/config`)
      .reply(200, { data: { memory: "2048", cores: 2, digest: "0a1b" } });
    expect(await tokenClient().get("/nodes/pve1/qemu/100/config")).toEqual({ memory: "2048", cores: 2, digest: "0a1b" });
  });

  test("extra envelope keys (total, success) are accepted; data null resolves to null", async () => {
    nock(ORIGIN)
      .get(`${API}/nodes/pve1/query-url-metadata`)
      .query(true)
      .reply(200, fixture("proxmoxer/query_url_metadata_iso.json") as nock.Body);
    expect(await tokenClient().get("/nodes/pve1/query-url-metadata", { url: "https://x/file.iso" })).toMatchObject({ filename: "file.iso" });
    nock(ORIGIN).delete(`${API}/pools/test-pool`).reply(200, { data: null });
    expect(await tokenClient().delete("/pools/test-pool")).toBeNull();
  });

  test("a body that is not a PVE envelope is a server error, not a crash", async () => {
    nock(ORIGIN).get(`${API}/version`).reply(200, "<html>proxy</html>");
    const error = await rejection(tokenClient().get("/version"));
    expect(error).toBeInstanceOf(PveApiError);
    expect(error).toMatchObject({ kind: "server", method: "GET", path: "/version" });
    nock(ORIGIN).get(`${API}/version`).reply(200, { version: "9.2.11" });
    expect(await rejection(tokenClient().get("/version"))).toMatchObject({ kind: "server" });
  });
});
