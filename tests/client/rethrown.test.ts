/**
 * 500s that carry an exception re-raised as text under a cluster-file lock (`die "$@"`,
 * `die "$errmsg: $err"`): classified as what was raised, with the per-field errors recovered.
 * The texts are PVE's (pve-common `PVE::Exception::stringify`), the last block the simulator's.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PveApiError, ProxmoxClient } from "../../index";
import { classify, type FailureFacts } from "../../provider/client/classify";
import { unwrapRethrown } from "../../provider/client/rethrown";
import type { PveErrorKind } from "../../index";
import { startSimulator, type Simulator } from "../sim";
import { rejection } from "./helpers";

describe("unwrapRethrown", () => {
  test("recovers status, message and fields after a prefix", () => {
    expect(unwrapRethrown("update sdn zone object failed: 400 Parameter verification failed.\nmtu: value must be at least 576\ndhcp: invalid value")).toEqual({
      status: 400,
      message: "Parameter verification failed.",
      errors: { mtu: "value must be at least 576", dhcp: "invalid value" },
    });
    expect(unwrapRethrown("400 Parameter verification failed.\nid: No such job 'b1'\n")).toEqual({
      status: 400,
      message: "Parameter verification failed.",
      errors: { id: "No such job 'b1'" },
    });
    expect(unwrapRethrown("create user failed: 403 Permission check failed (/access/groups/ops, User.Modify)")).toEqual({
      status: 403,
      message: "Permission check failed (/access/groups/ops, User.Modify)",
    });
  });

  test("leaves plain dies alone", () => {
    expect(unwrapRethrown("could not commit SDN config: invalid lock token provided!")).toBeUndefined();
    expect(unwrapRethrown("create storage failed: cfs-lock 'file-storage_cfg' error: got lock request timeout")).toBeUndefined();
    expect(unwrapRethrown("unable to create VM 100 - VM 100 already exists on node 'pve'")).toBeUndefined();
  });
});

describe("classify: exceptions re-raised as text", () => {
  test.each<[FailureFacts, PveErrorKind]>([
    [{ status: 500, message: "400 Parameter verification failed.\nid: No such job 'b1'" }, "not-found"],
    [{ status: 500, message: "400 Parameter verification failed.\nvmid: property is missing" }, "validation"],
    [{ status: 500, message: "delete user failed: 400 Parameter verification failed.\nuserid: no such user ('a@pve')" }, "not-found"],
    [{ status: 500, message: "create storage failed: 403 Permission check failed (/storage/x, Datastore.Allocate)" }, "permission"],
    [{ status: 500, message: "could not commit SDN config: invalid lock token provided!" }, "server"],
  ])("%o → %s", (facts, kind) => {
    expect(classify(facts)).toBe(kind);
  });
});

describe("the client against the simulator's jobs", () => {
  let sim: Simulator;
  let client: ProxmoxClient;
  beforeAll(async () => {
    sim = await startSimulator({ nodes: 1, authFailureDelayMs: 0, apiToken: "root@pam!t=7d3c2b1a-0000-4000-8000-00000000a11c" });
    client = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });

  test("deleting a backup job that is gone is not-found, with the field recovered", async () => {
    const error = (await rejection(client.delete("/cluster/backup/gone"))) as PveApiError;
    expect(error).toBeInstanceOf(PveApiError);
    expect(error).toMatchObject({ kind: "not-found", status: 500, errors: { id: "No such job 'gone'" } });
    expect(error.message).toBe("DELETE /cluster/backup/gone: 400 Parameter verification failed.\n  id: No such job 'gone'");
  });

  test("a selection error found under the lock is validation, naming the field", async () => {
    const error = (await rejection(client.post("/cluster/backup", { id: "b1", schedule: "daily" }))) as PveApiError;
    expect(error).toMatchObject({ kind: "validation", status: 500, errors: { vmid: "property is missing" }, retryable: false });
  });
});
