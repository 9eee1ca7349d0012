/** How errors raised under a cfs lock reach the client (pve-cluster `$cfs_lock` + the handler's re-raise). */
import { describe, expect, it } from "vitest";
import { reraise, stringifyException, underCfsLock } from "./core/cfs-lock";
import { LockManager } from "./core/locks";
import { SimError } from "./types";

const param = new SimError(400, "Parameter verification failed.\n", { vmid: "property is missing" });

describe("cfs_lock re-raise", () => {
  it("stringifies like PVE::Exception: code, message, one line per field", () => {
    expect(stringifyException(param)).toBe("400 Parameter verification failed.\nvmid: property is missing\n");
    expect(stringifyException(new SimError(403, "Permission check failed (/, Sys.Modify)\n"))).toBe("403 Permission check failed (/, Sys.Modify)\n");
    expect(stringifyException(new SimError(500, "zone 'x' doesn't exist\n"))).toBe("zone 'x' doesn't exist\n");
  });

  it('`die $@` keeps the exception, `die "$@"` makes it a 500, `die "$errmsg: $err"` prefixes it', () => {
    expect(reraise(param, undefined)).toBe(param);
    expect(reraise(param, {})).toMatchObject({ status: 500, message: "400 Parameter verification failed.\nvmid: property is missing\n", errors: undefined });
    expect(reraise(param, { prefix: "create storage failed" })).toMatchObject({
      status: 500,
      message: "create storage failed: 400 Parameter verification failed.\nvmid: property is missing\n",
    });
    const bug = new TypeError("not a PVE error");
    expect(reraise(bug, {})).toBe(bug);
  });

  it("a failure to take the lock is prefixed by cfs_lock itself, then re-raised like any other", async () => {
    const locks = new LockManager({ cfsMs: 5, flockMs: 5 });
    let release!: () => void;
    const held = locks.withLock("file-jobs_cfg", () => new Promise<void>((resolve) => (release = resolve)));
    const ctx = { withLock: <T>(id: string, fn: () => T | Promise<T>) => locks.withLock(id, fn) };
    await expect(underCfsLock(ctx, "file-jobs_cfg", { prefix: "create job failed" }, () => null)).rejects.toMatchObject({
      status: 500,
      message: "create job failed: cfs-lock 'file-jobs_cfg' error: got lock request timeout\n",
    });
    release();
    await held;
  });
});
