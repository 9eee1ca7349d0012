/**
 * The GET behind a read function (path filled by the engine's `fillPath`), and the one client
 * cache that the read functions and the resources share.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProxmoxClientOptions } from "../../provider/client";
import { type ReadClient, fetchRead } from "../../provider/read-call";
import { invokeRead } from "../../provider/reads";
import { MAX_CACHED_CLIENTS, clientFor, connectedClient, setConfig } from "../../provider/runtime/connection";
import { resolveConnection } from "../../provider/runtime/credentials";
import { type ReadSpec, readOf } from "../../schema/reads";

/** A client that records the GETs it is asked for and answers `answer`. */
function recordingClient(answer: unknown = []): ReadClient & { calls: Array<{ path: string; params: unknown }> } {
  const calls: Array<{ path: string; params: unknown }> = [];
  return {
    calls,
    get<T>(path: string, params?: Record<string, string | number | boolean>): Promise<T> {
      calls.push({ path, params });
      return Promise.resolve(answer as T);
    },
  };
}

const options = (cluster: string): ProxmoxClientOptions => ({
  endpoint: `https://${cluster}.invalid:8006`,
  apiToken: `ci@pve!${cluster}=aaaaaaaa-1111-2222-3333-444444444444`,
});

describe("fetchRead", () => {
  it("fills path arguments into the path and the others into the query, with the constants", async () => {
    const client = recordingClient();
    await fetchRead(client, "storage.getNodeStorages", readOf("storage.getNodeStorages"), { node: "pve1", enabled: true });
    await fetchRead(client, "access.getUsers", readOf("access.getUsers"), {});
    expect(client.calls).toEqual([
      { path: "/nodes/pve1/storage", params: { enabled: true } },
      { path: "/access/users", params: { full: 1 } },
    ]);
  });

  it("fills a value as it is, even one that String.replace would read as a pattern", async () => {
    const client = recordingClient({});
    await fetchRead(client, "access.getUser", readOf("access.getUser"), { userId: "a$&b@pve" });
    expect(client.calls[0]?.path).toBe("/access/users/a$&b@pve");
  });

  it("refuses a missing path argument, naming it, without sending anything", async () => {
    const client = recordingClient();
    await expect(fetchRead(client, "storage.getNodeStorages", readOf("storage.getNodeStorages"), {})).rejects.toThrow(
      "storage.getNodeStorages: argument 'node' is required",
    );
    // A spec that was not made by defineRead (which refuses an optional path argument) still never
    // requests a path with `{node}` in it.
    const unchecked: ReadSpec = { ...readOf("storage.getNodeStorages"), args: [{ pveName: "node", sdkName: "node", doc: "The node.", optional: true }] };
    await expect(fetchRead(client, "test.getUnchecked", unchecked, {})).rejects.toThrow("test.getUnchecked: no value for '{node}' in /nodes/{node}/storage");
    expect(client.calls).toEqual([]);
  });
});

describe("the shared client cache", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    setConfig(undefined);
    pulumi.runtime.setAllConfig({});
  });

  it("gives two configurations two clients, and each its own again later, never closing one for the other", () => {
    const a = clientFor(options("cluster-a"));
    const closeA = vi.spyOn(a, "close");
    const b = clientFor(options("cluster-b"));
    expect(b).not.toBe(a);
    expect(clientFor(options("cluster-a"))).toBe(a);
    expect(clientFor(options("cluster-b"))).toBe(b);
    expect(closeA).not.toHaveBeenCalled();
  });

  it("keeps a small number of clients: past it, the least recently used one is closed", () => {
    const first = clientFor(options("lru-0"));
    const closeFirst = vi.spyOn(first, "close");
    const others = Array.from({ length: MAX_CACHED_CLIENTS }, (_, i) => clientFor(options(`lru-${i + 1}`)));
    expect(closeFirst).toHaveBeenCalledTimes(1);
    expect(clientFor(options("lru-0"))).not.toBe(first);
    // The newest ones were kept.
    expect(clientFor(options(`lru-${MAX_CACHED_CLIENTS}`))).toBe(others.at(-1));
  });

  it("refuses a logger, which would not be part of the key", () => {
    expect(() => clientFor({ ...options("cluster-a"), logger: () => undefined } as ProxmoxClientOptions)).toThrow(/takes no logger/);
  });

  it("is the one both the resources (connectedClient) and the read functions (invokeRead) use", async () => {
    const settings = { "proxmox:endpoint": "https://shared.invalid:8006", "proxmox:apiToken": "ci@pve!shared=bbbbbbbb-1111-2222-3333-444444444444" };
    const shared = clientFor(resolveConnection({ get: (key) => settings[key as keyof typeof settings] }));
    setConfig({ get: (key) => settings[key as keyof typeof settings] });
    const get = vi.spyOn(shared, "get").mockResolvedValue({ version: "9.2.11", release: "9.2", repoid: "0123456789abcdef" });
    expect(await connectedClient()).toBe(shared);
    pulumi.runtime.setAllConfig(settings, ["proxmox:apiToken"]);
    expect(await invokeRead("getVersion", {})).toMatchObject({ release: "9.2" });
    expect(get).toHaveBeenCalledWith("/version", {});
  });
});
