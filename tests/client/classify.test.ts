import { describe, expect, test } from "vitest";
import { classify, type FailureFacts } from "../../provider/client/classify";
import type { PveErrorKind } from "../../index";

// Messages are PVE's own (pve-api-semantics.md sections 1.3, 2, 5, 6, 8).
describe("classify", () => {
  test.each<[FailureFacts, PveErrorKind]>([
    [{ status: 400, message: "Parameter verification failed." }, "validation"],
    [{ status: 400, message: "Parameter verification failed.", errors: { cidr: "no such IP/Network" } }, "not-found"],
    [{ status: 400, message: "Parameter verification failed.", errors: { cidr: "no such IP/Network", comment: "value too long" } }, "validation"],
    [{ status: 501, message: "Method 'GET /nodes/pve/foo' not implemented" }, "validation"],
    [{ status: 401, message: "No ticket" }, "auth"],
    [{ status: 401, message: "authentication failure" }, "auth"],
    [{ status: 403, message: "Permission check failed (/vms/100, VM.Audit)" }, "permission"],
    [{ status: 500, message: "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist" }, "not-found"],
    [{ status: 500, message: "storage 'x' does not exist" }, "not-found"],
    [{ status: 500, message: "sdn 'zonea' zone not defined" }, "not-found"],
    [{ status: 500, message: "ACME plugin 'cf1' not defined\n" }, "not-found"],
    [{ status: 500, message: "no such task" }, "not-found"],
    [{ status: 404, message: "No such tfa entry 'x'" }, "not-found"],
    [{ status: 500, message: "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout" }, "locked"],
    [{ status: 500, message: "unable to create VM 100 - can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout" }, "locked"],
    [{ status: 500, message: "VM is locked (backup)" }, "locked"],
    [{ status: 500, message: "CT is locked (snapshot)" }, "locked"],
    [{ status: 500, message: "create user failed: cfs-lock 'file-user_cfg' error: got lock request timeout" }, "locked"],
    [{ status: 500, message: "detected modified configuration - file changed by other user? Try again." }, "conflict"],
    [{ status: 500, message: "checksum mismatch (file change by other user?)" }, "conflict"],
    [{ status: 500, message: "unable to create VM 100 - VM 100 already exists on node 'pve'" }, "conflict"],
    [{ status: 595, message: "No route to host" }, "unreachable"],
    [{ status: 596, message: "Connection timed out" }, "unreachable"],
    [{ code: "ECONNREFUSED", message: "connect ECONNREFUSED" }, "unreachable"],
    [{ code: "ECONNRESET", message: "socket hang up" }, "unreachable"],
    [{ code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND pve9" }, "unreachable"],
    [{ code: "DEPTH_ZERO_SELF_SIGNED_CERT", message: "self-signed certificate" }, "unreachable"],
    [{ code: "ERR_PVE_FINGERPRINT_MISMATCH", message: "mismatch" }, "unreachable"],
    [{ code: "ETIMEDOUT", message: "Timeout awaiting 'request' for 30000ms" }, "timeout"],
    [{ status: 500, message: "cfs-lock 'file-user_cfg' error: no quorum!" }, "server"],
    [{ status: 500, message: "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known" }, "server"],
    // Not-found phrasings from PVE's sources, in any case and wrapped by the handler (issue 12).
    [{ status: 500, message: "no such IPSet 'office'\n" }, "not-found"],
    [{ status: 500, message: "no such security group 'web'\n" }, "not-found"],
    [{ status: 500, message: "delete sdn zone object failed: sdn 'zonea' does not exist\n" }, "not-found"],
    [{ status: 500, message: "delete sdn zone object failed: sdn 'zonea' zone not defined\n" }, "not-found"],
    [{ status: 500, message: "delete sdn vnet object failed: sdn vnet 'vnet1' does not exist\n" }, "not-found"],
    [{ status: 500, message: "update pools failed: VM 100 is not a pool member\n" }, "not-found"],
    [{ status: 500, message: "Storage 'local' is not a pool member\n" }, "not-found"],
    [{ status: 500, message: "no such user ('gone@pve')\n" }, "not-found"],
    [{ status: 500, message: "no such token 't1' for user 'root@pam'\n" }, "not-found"],
    [{ status: 500, message: "no such replication job '100-0'\n" }, "not-found"],
    [{ status: 500, message: "ACME account config file 'main' does not exist.\n" }, "not-found"],
    [{ status: 400, message: "Parameter verification failed.", errors: { id: "No such job 'nightly'" } }, "not-found"],
    [{ status: 400, message: "Parameter verification failed.", errors: { iface: "interface does not exist" } }, "not-found"],
    [{ status: 500, message: "Does Not Exist" }, "not-found"],
    // ... but a bad `delete` list, a file PVE could not open (transient) and a lock timeout are not "gone".
    [{ status: 400, message: "Parameter verification failed.", errors: { delete: "no such option 'foo'" } }, "validation"],
    [{ status: 500, message: "no such option 'foo'\n" }, "server"],
    [{ status: 500, message: "unable to open file '/etc/pve/user.cfg.tmp.1234' - No such file or directory\n" }, "server"],
    [{ status: 500, message: "delete sdn zone object failed: can't lock file '/var/lock/pve-manager/pve-sdn.lck' - got timeout\n" }, "locked"],
    [{ status: 500, message: "pool 'team' is not empty (contains VM 100)\n" }, "server"],
  ])("%o → %s", (facts, kind) => {
    expect(classify(facts)).toBe(kind);
  });
});
