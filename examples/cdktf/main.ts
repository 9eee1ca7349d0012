/**
 * A CDK Terrain (CDKTF) program with the generated bindings: a pool, a group, a user in it and the
 * PVE version, for `tofu apply` (or `terraform apply`) of the synthesized JSON.
 *
 *   npx tsx examples/cdktf/main.ts          # writes cdktf.out/stacks/datacenter/cdk.tf.json
 *   cd cdktf.out/stacks/datacenter && tofu init && TF_VAR_alice_password=... tofu apply
 *
 * The provider block is empty: the connection comes from the PROXMOX_VE_* environment, as for Pulumi.
 */
import { App, TerraformOutput, TerraformStack, TerraformVariable } from "cdktn";
import type { Construct } from "constructs";
import { accessGroup, accessUser, clusterPool, dataProxmoxVersion, provider } from "@naas/pulumi-proxmox/cdktf";

class Datacenter extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new provider.ProxmoxProvider(this, "pve", {});
    // A sensitive variable: the password reaches PVE from TF_VAR_alice_password, never the synthesized JSON.
    const password = new TerraformVariable(this, "alice_password", { type: "string", sensitive: true });
    new clusterPool.ClusterPool(this, "team", { poolId: "platform", comment: "Platform team" });
    const ops = new accessGroup.AccessGroup(this, "ops", { groupId: "platform-ops", comment: "Operators" });
    new accessUser.AccessUser(this, "alice", {
      userId: "alice@pve",
      groups: [ops.groupId],
      comment: "Alice",
      // Write-only: never stored in state; bump the version to send a new password.
      password: password.stringValue,
      passwordVersion: "1",
    });
    const version = new dataProxmoxVersion.DataProxmoxVersion(this, "version", {});
    new TerraformOutput(this, "pve_version", { value: version.result.version });
  }
}

// Write-only attributes need OpenTofu/Terraform 1.11+; CDK Terrain checks the targets at synth
// (in a cdktf.json project: `"targetVersions": { "opentofu": ">=1.11.0" }`).
const app = new App({ outdir: process.env["CDKTF_OUTDIR"] ?? "cdktf.out", context: { targetVersions: { opentofu: ">=1.11.0", terraform: ">=1.11.0" } } });
new Datacenter(app, "datacenter");
app.synth();
