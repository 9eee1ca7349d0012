import type { KindHooks } from ".";

const SUBJECTS = ["userId", "groupId", "tokenId"] as const;

/** An ACL entry grants its role to exactly one subject. */
export const aclEntryHooks: KindHooks = {
  check(news) {
    const given = SUBJECTS.filter((key) => news[key] !== undefined && news[key] !== null);
    if (given.length === 1) return [];
    const reason =
      given.length === 0
        ? "exactly one of userId, groupId or tokenId is required"
        : `exactly one of userId, groupId or tokenId is allowed, got ${given.join(" and ")}`;
    return [{ property: given[1] ?? "userId", reason }];
  },
};
