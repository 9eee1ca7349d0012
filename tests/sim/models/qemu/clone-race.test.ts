/**
 * Parallel clones and creates without client-side serialization meet PVE's locks as on PVE:
 * the storage lock every linked clone holds while `lvcreate` runs (its default timeout is shorter
 * here, 1 s instead of 10 s, so that the queue of three clones overruns it), the 1 s exclusive
 * flock on a running source, and `create_and_lock_config` for two creates of one VMID.
 */
import { describe, expect, it } from "vitest";
import { api, createVm, data, finish, run, useGuestSimulator } from "../../testkit/guests";

/** Clones spend 600 ms per disk (the running source's full clone 1500 ms); default flocks time out after 1 s. */
const sim = useGuestSimulator({
  lockTimeouts: { flockMs: 1000 },
  taskDuration: (t) => (t.type === "qmclone" ? (t.id === "710" ? 1500 : 600) : undefined),
});

describe("clone race", () => {
  it("parallel linked clones of one template queue on the storage lock; the last ones time out with its flock message", async () => {
    const s = sim();
    await createVm(s, 700, { scsi0: "local-lvm:1", template: 1 });
    const replies = await Promise.all([701, 702, 703].map((newid) => api(s, "POST", "/nodes/pve1/qemu/700/clone", { newid })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]); // the template's flock is shared: nobody waits for it
    const outcomes = await Promise.all(replies.map((r) => finish(s, String(r.json?.data))));
    const statuses = outcomes.map((o) => o.status).sort();
    expect(statuses).toEqual(["OK", "OK", "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout"]);
    const failed = outcomes.find((o) => o.status !== "OK");
    const failedId = Number(/ID (\d+)$/.exec(failed?.log[0] ?? "")?.[1]);
    expect((await api(s, "GET", `/nodes/pve1/qemu/${failedId}/config`)).status).toBe(500); // nothing left behind
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: failedId }))).toEqual([]);
    const lock = s.lockUsage().find((u) => u.lockId === "pve1:/var/lock/pve-manager/pve-storage-local-lvm");
    expect(lock?.acquired).toBeGreaterThanOrEqual(3); // the template's disk and the two clones that got through
  });

  it("a second clone of a running VM waits 1 s for the source's exclusive flock and fails", async () => {
    const s = sim();
    await createVm(s, 710, { scsi0: "local-lvm:1" });
    await run(s, "POST", "/nodes/pve1/qemu/710/status/start");
    const [a, b] = await Promise.all([711, 712].map((newid) => api(s, "POST", "/nodes/pve1/qemu/710/clone", { newid })));
    const outcomes = await Promise.all([a, b].map((r) => finish(s, String(r?.json?.data))));
    expect(outcomes.map((o) => o.status).sort()).toEqual(["OK", "can't lock file '/var/lock/qemu-server/lock-710.conf' - got timeout"]);
  });

  it("two creates of one VMID: one task, one synchronous refusal", async () => {
    const s = sim();
    const replies = await Promise.all([1, 2].map((n) => api(s, "POST", "/nodes/pve1/qemu", { vmid: 720, name: `twin${n}` })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 500]);
    expect(replies.find((r) => r.status === 500)?.json?.message).toBe("unable to create VM 720 - VM 720 already exists on node 'pve1'\n");
  });
});
