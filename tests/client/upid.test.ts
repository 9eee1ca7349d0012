import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { isUpid, parseUpid, PveApiError } from "../../index";

describe("parseUpid", () => {
  test("decodes node, hex numbers, type, id and user", () => {
    expect(parseUpid("UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:")).toEqual({
      node: "pve1",
      pid: 0x000a1b2c,
      pstart: 0x0153f0e1,
      starttime: 0x66f1a2b3,
      type: "qmstart",
      id: "100",
      user: "root@pam",
    });
  });

  test("matches the decimal fields of recorded task status bodies (proxmoxer fixture)", () => {
    const status = JSON.parse(readFileSync("/work/shared/fixtures/proxmoxer/task_status_running.json", "utf8")) as {
      data: { pid: number; pstart: number; starttime: number };
    };
    const upid = parseUpid("UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:");
    expect([upid.pid, upid.pstart, upid.starttime]).toEqual([status.data.pid, status.data.pstart, status.data.starttime]);
  });

  test("id may be empty or contain '-' and '>'; pstart may have 9 digits", () => {
    expect(parseUpid("UPID:node:000CFC5C:03E8D0C3:6194806C:aptupdate::root@pam:").id).toBe("");
    expect(parseUpid("UPID:pve-a1:00001234:1ABCDEF01:66F1A2B3:qmmove:100-scsi0>101-scsi1:root@pam:")).toMatchObject({
      node: "pve-a1",
      pstart: 0x1abcdef01,
      id: "100-scsi0>101-scsi1",
    });
  });

  test("splits a token user into user and tokenid", () => {
    expect(parseUpid("UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:vzdump:100:ci@pve!deploy:")).toMatchObject({ user: "ci@pve", tokenid: "deploy" });
    expect(parseUpid("UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:vzdump:100:root@pam:")).not.toHaveProperty("tokenid");
  });

  test.each([
    "UPID:pve1:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam", // no trailing colon
    "UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:done", // test-hack suffix
    "UPID:-pve:000A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:", // node starts with '-'
    "UPID:pve1:A1B2C:0153F0E1:66F1A2B3:qmstart:100:root@pam:", // short pid
    "local:iso/debian.iso",
  ])("rejects %s with a validation error", (bad) => {
    expect(isUpid(bad)).toBe(false);
    let error: unknown;
    try {
      parseUpid(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PveApiError);
    expect(error).toMatchObject({ kind: "validation" });
  });
});
