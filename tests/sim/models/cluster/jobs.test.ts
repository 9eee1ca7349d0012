/**
 * Backup and replication jobs against pve-manager `API2/Backup.pm` and `API2/ReplicationConfig.pm`
 * (see the models' headers): schedule rules, selection rules, read-back shapes, and how errors
 * raised under the jobs.cfg lock reach the client (`die "$@"`: a 500 carrying the 400 as text).
 */
import { describe, expect, it } from "vitest";
import { clusterModel } from ".";
import { fakeSim } from "../fake-context";

const sim = () => fakeSim([clusterModel({ runnerDelayMs: 60_000 })]);

describe("backup jobs", () => {
  it("refuses a job with neither schedule nor starttime, and one with both (400 before the lock)", async () => {
    const s = sim();
    await expect(s.call("POST", "/cluster/backup", { id: "b1", all: 1 })).rejects.toMatchObject({
      status: 400,
      message: "Parameter verification failed.\n",
      errors: { schedule: "neither 'starttime' nor 'schedule' were set" },
    });
    await expect(s.call("POST", "/cluster/backup", { id: "b1", all: 1, schedule: "daily", starttime: "02:00" })).rejects.toMatchObject({
      status: 400,
      errors: { starttime: "'starttime' and 'schedule' cannot both be set" },
    });
    await expect(s.call("PUT", "/cluster/backup/{id}", { id: "b1", schedule: "daily", starttime: "02:00" })).rejects.toMatchObject({ status: 400 });
    expect(await s.call("GET", "/cluster/backup")).toEqual([]);
  });

  it("turns starttime alone into HH:MM, with dow into '<days> HH:MM' (all days: the time alone)", async () => {
    const s = sim();
    await s.call("POST", "/cluster/backup", { id: "t1", all: 1, starttime: "02:30" });
    await s.call("POST", "/cluster/backup", { id: "t2", all: 1, starttime: "2:05", dow: "sat,sun" });
    await s.call("POST", "/cluster/backup", { id: "t3", all: 1, starttime: "03:00", dow: "mon,tue,wed,thu,fri,sat,sun" });
    const schedules = ((await s.call("GET", "/cluster/backup")) as Array<Record<string, unknown>>).map((j) => [j.id, j.schedule, j.starttime, j.dow]);
    expect(schedules).toEqual([
      ["t1", "02:30", undefined, undefined],
      ["t2", "sat,sun 2:05", undefined, undefined],
      ["t3", "03:00", undefined, undefined],
    ]);
  });

  it("generates a UUID id, stores enabled=1, lists in creation order and returns property strings parsed", async () => {
    const s = sim();
    await s.call("POST", "/cluster/backup", { id: "zeta", all: 1, schedule: "daily" });
    await s.call("POST", "/cluster/backup", { vmid: "100,101", schedule: "sat 02:30", storage: "local", "prune-backups": "keep-last=3,keep-daily=7" });
    const list = (await s.call("GET", "/cluster/backup")) as Record<string, unknown>[];
    expect(list.map((j) => j.id)).toEqual(["zeta", expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)]);
    // parse_property_string leaves Perl strings, which JSON::XS writes as strings.
    expect(list[1]).toMatchObject({ type: "vzdump", enabled: 1, vmid: "100,101", "prune-backups": { "keep-last": "3", "keep-daily": "7" } });
  });

  it("raises selection errors under the lock: a 500 whose text is the stringified 400", async () => {
    const s = sim();
    await expect(s.call("POST", "/cluster/backup", { id: "b1", schedule: "daily" })).rejects.toMatchObject({
      status: 500,
      message: "400 Parameter verification failed.\nvmid: property is missing\n",
      errors: undefined,
    });
    await expect(s.call("POST", "/cluster/backup", { id: "b1", all: 1, vmid: "100", schedule: "daily" })).rejects.toMatchObject({
      status: 500,
      message: "400 Parameter verification failed.\nall: option conflicts with option 'vmid'\n",
    });
    await s.call("POST", "/cluster/backup", { id: "b1", all: 1, schedule: "daily" });
    await expect(s.call("POST", "/cluster/backup", { id: "b1", all: 1, schedule: "daily" })).rejects.toMatchObject({
      status: 500,
      message: "Job 'b1' already exists\n",
    });
    expect(s.locks).toContain("file-jobs_cfg");
  });

  it("switches the selection on update and checks the merged job", async () => {
    const s = sim();
    await s.call("POST", "/cluster/backup", { id: "b1", all: 1, exclude: "100", schedule: "daily" });
    await s.call("PUT", "/cluster/backup/{id}", { id: "b1", pool: "prod" });
    const job = (await s.call("GET", "/cluster/backup/{id}", { id: "b1" })) as Record<string, unknown>;
    expect(job).toMatchObject({ id: "b1", pool: "prod", type: "vzdump" });
    expect([job.all, job.exclude, job.vmid]).toEqual([undefined, undefined, undefined]);
    await s.call("PUT", "/cluster/backup/{id}", { id: "b1", vmid: "200" });
    expect(await s.call("GET", "/cluster/backup/{id}", { id: "b1" })).not.toHaveProperty("pool");
    await expect(s.call("PUT", "/cluster/backup/{id}", { id: "b1" })).rejects.toMatchObject({ status: 500, message: "no options specified\n" });
    await expect(s.call("PUT", "/cluster/backup/{id}", { id: "b1", delete: "schedule" })).rejects.toMatchObject({
      status: 500,
      message: "400 Parameter verification failed.\ndelete: unknown option 'schedule'\n",
    });
    await s.call("PUT", "/cluster/backup/{id}", { id: "b1", comment: "x" });
    await s.call("PUT", "/cluster/backup/{id}", { id: "b1", delete: "comment" });
    expect(await s.call("GET", "/cluster/backup/{id}", { id: "b1" })).not.toHaveProperty("comment");
    await expect(s.call("PUT", "/cluster/backup/{id}", { id: "gone", comment: "x" })).rejects.toMatchObject({ status: 500, message: "no such vzdump job\n" });
  });

  it("reads a missing job as a real 400, and deletes one as a 500 carrying the 400 (PVE's delete_job)", async () => {
    const s = sim();
    await expect(s.call("GET", "/cluster/backup/{id}", { id: "zz" })).rejects.toMatchObject({ status: 400, errors: { id: "No such job 'zz'" } });
    await expect(s.call("DELETE", "/cluster/backup/{id}", { id: "zz" })).rejects.toMatchObject({
      status: 500,
      message: "400 Parameter verification failed.\nid: No such job 'zz'\n",
      errors: undefined,
    });
  });

  it("keeps root-only options for root@pam itself, not for its tokens", async () => {
    const s = sim();
    await s.call("POST", "/cluster/backup", { id: "r1", all: 1, schedule: "daily", script: "/bin/true" });
    const asToken = s.as({ userid: "root@pam", tokenid: "ci", via: "token" });
    await expect(asToken.call("POST", "/cluster/backup", { id: "r2", all: 1, schedule: "daily", script: "/bin/true" })).rejects.toMatchObject({
      status: 400,
      errors: { script: "Only root may set this option." },
    });
  });
});

describe("replication jobs", () => {
  it("marks a deleted job for removal until the runner has run", async () => {
    const s = sim();
    await s.call("POST", "/cluster/replication", { id: "100-0", type: "local", target: "pve2", schedule: "*/30" });
    expect(await s.call("GET", "/cluster/replication/{id}", { id: "100-0" })).toMatchObject({
      id: "100-0",
      guest: 100,
      jobnum: 0,
      source: "pve1",
      target: "pve2",
    });
    await s.call("DELETE", "/cluster/replication/{id}", { id: "100-0" });
    expect(await s.call("GET", "/cluster/replication/{id}", { id: "100-0" })).toMatchObject({ remove_job: "full" });
    s.advance(60_000);
    expect(await s.call("GET", "/cluster/replication")).toEqual([]);
    await expect(s.call("GET", "/cluster/replication/{id}", { id: "100-0" })).rejects.toMatchObject({ message: "no such replication job '100-0'\n" });
    await expect(s.call("DELETE", "/cluster/replication/{id}", { id: "100-0" })).rejects.toMatchObject({ status: 500, message: "no such job '100-0'\n" });
  });

  it("keep marks local removal, force removes at once (even a missing job), and both conflict as a real 400", async () => {
    const s = sim();
    await s.call("POST", "/cluster/replication", { id: "101-1", type: "local", target: "pve3" });
    await s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", keep: 1 });
    expect(await s.call("GET", "/cluster/replication/{id}", { id: "101-1" })).toMatchObject({ remove_job: "local" });
    await expect(s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", keep: 1, force: 1 })).rejects.toMatchObject({
      status: 400,
      errors: { keep: "conflicts with parameter 'force'" },
    });
    await s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", force: 1 });
    expect(await s.call("GET", "/cluster/replication")).toEqual([]);
    await expect(s.call("DELETE", "/cluster/replication/{id}", { id: "101-1", force: 1 })).resolves.toBeNull();
  });

  it("checks target, source against target, and one job per guest and target", async () => {
    const s = sim();
    await expect(s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve1" })).rejects.toMatchObject({
      message: "Source and target must not be identical\n",
    });
    await expect(s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve9" })).rejects.toMatchObject({
      message: "Target 'pve9' does not exist.\n",
    });
    await s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve2" });
    await expect(s.call("POST", "/cluster/replication", { id: "102-1", type: "local", target: "pve2" })).rejects.toMatchObject({
      status: 500,
      message: "replication job for guest '102' to target 'local/pve2' already exists\n",
    });
    await expect(s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve3" })).rejects.toMatchObject({
      message: "replication job '102-0' already exists\n",
    });
  });

  it("enforces the digest on update", async () => {
    const s = sim();
    await s.call("POST", "/cluster/replication", { id: "102-0", type: "local", target: "pve2" });
    const { digest } = (await s.call("GET", "/cluster/replication/{id}", { id: "102-0" })) as { digest: string };
    await s.call("PUT", "/cluster/replication/{id}", { id: "102-0", comment: "a", digest });
    await expect(s.call("PUT", "/cluster/replication/{id}", { id: "102-0", comment: "b", digest })).rejects.toMatchObject({
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
    await expect(s.call("PUT", "/cluster/replication/{id}", { id: "103-0", comment: "b" })).rejects.toMatchObject({ message: "no such job '103-0'\n" });
  });
});
