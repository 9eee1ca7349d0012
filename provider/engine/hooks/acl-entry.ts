import type { CheckFailure, KindHooks } from ".";
import { aclPathProblem } from "../../../schema/facts/acl-paths";

/**
 * ACL entries: the path must be one PVE stores as written (it normalizes `/storage/local/` to
 * `/storage/local`, and the entry would never be found again), and PVE never stores an entry for
 * `root@pam` (it always has every privilege), so such an entry could never be read back.
 */
export const aclEntryHooks: KindHooks = {
  check(news) {
    const failures: CheckFailure[] = [];
    const path = news["path"];
    const problem = typeof path === "string" ? aclPathProblem(path) : undefined;
    if (problem) failures.push({ property: "path", reason: problem });
    if (news["userId"] === "root@pam") {
      failures.push({ property: "userId", reason: "PVE stores no ACL entries for root@pam, which always has every privilege; grant the role to another user" });
    }
    return failures;
  },
};
