/** Shared flocks and per-call timeouts (`PVE::Tools::lock_file_full($file, $timeout, $shared)`). */
import { describe, expect, it } from "vitest";
import { LockManager } from "./core/locks";

const hold = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("flocks", () => {
  it("lets shared holders run together and makes an exclusive request wait for all of them", async () => {
    const locks = new LockManager({ cfsMs: 1000, flockMs: 1000 });
    const events: string[] = [];
    const reader = (name: string): Promise<void> =>
      locks.withLock(
        "lock-100.conf",
        async () => {
          events.push(`${name}+`);
          await hold(40);
          events.push(`${name}-`);
        },
        { shared: true },
      );
    const both = [reader("a"), reader("b")];
    await hold(5);
    const writer = locks.withLock("lock-100.conf", () => void events.push("w"));
    await Promise.all([...both, writer]);
    expect(events.slice(0, 2).sort()).toEqual(["a+", "b+"]);
    expect(events[events.length - 1]).toBe("w");
    expect(locks.usage()).toEqual([expect.objectContaining({ lockId: "lock-100.conf", acquired: 3 })]);
  });

  it("refuses a shared request while an exclusive holder runs, with the caller's own timeout", async () => {
    const locks = new LockManager({ cfsMs: 5000, flockMs: 5000 });
    const held = locks.withLock("lock-200.conf", () => hold(200));
    await expect(locks.withLock("lock-200.conf", () => 1, { shared: true, timeoutMs: 30 })).rejects.toMatchObject({
      status: 500,
      message: "can't lock file '/var/lock/qemu-server/lock-200.conf' - got timeout",
    });
    await held;
  });

  it("keeps the flocks of two nodes apart and names only the file in the timeout", async () => {
    const locks = new LockManager({ cfsMs: 1000, flockMs: 1000 });
    let release!: () => void;
    const pve1 = locks.withLock("pve1:/var/lock/pve-manager/pve-storage-local-lvm", () => new Promise<void>((r) => (release = r)));
    expect(await locks.withLock("pve2:/var/lock/pve-manager/pve-storage-local-lvm", () => "free")).toBe("free");
    await expect(locks.withLock("pve1:/var/lock/pve-manager/pve-storage-local-lvm", () => 1, { timeoutMs: 20 })).rejects.toThrow(
      "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout",
    );
    release();
    await pve1;
  });
});
