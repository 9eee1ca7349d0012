/**
 * Quickstart: a team's corner of a Proxmox VE datacenter, as code.
 * A pool, an operators group with a custom role granted on the pool, a user in that group,
 * a CI API token, and two datacenter options.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@naas/pulumi-proxmox";

const config = new pulumi.Config();
const team = config.get("team") ?? "platform";

const pool = new pve.cluster.Pool("team-pool", {
  poolId: team,
  comment: config.get("poolComment") ?? `Guests of the ${team} team`,
});

const operators = new pve.access.Group("operators", {
  groupId: `${team}-ops`,
  comment: `Operators of the ${team} pool`,
});

const auditor = new pve.access.Role("pool-auditor", {
  roleId: `${team}-auditor`,
  privileges: ["VM.Audit", "Datastore.Audit", "Pool.Audit"],
});

new pve.access.Acl("operators-on-pool", {
  path: pulumi.interpolate`/pool/${pool.poolId}`,
  roleId: auditor.roleId,
  groupId: operators.groupId,
});

const alice = new pve.access.User("alice", {
  userId: `alice-${team}@pve`,
  email: "alice@example.com",
  groups: [operators.groupId],
  password: config.requireSecret("alicePassword"),
});

const ciToken = new pve.access.ApiToken("ci", {
  userId: alice.userId,
  tokenId: "ci",
  comment: "Deployments from CI",
  privilegeSeparation: true,
});

new pve.cluster.Options("datacenter", {
  keyboard: "en-us",
  nextId: { lower: 1000, upper: 9999 },
});

export const pveRelease = pve.getVersion().then((version) => version.release);
export const poolId = pool.poolId;
export const tokenId = ciToken.fullTokenId;
export const tokenSecret = ciToken.value;
