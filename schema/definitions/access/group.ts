import { defineKind, restCalls } from "../../define";

/** `access.Group`: a group of users (`/access/groups`). */
export const group = defineKind({
  namespace: "access",
  name: "Group",
  description: "A Proxmox VE user group (`/access/groups`). Membership is set on `access.User.groups`.",
  lifecycle: "collection",
  identity: ["groupid"],
  ...restCalls("/access/groups", "/access/groups/{groupid}"),
  fields: {
    groupid: { sdkName: "groupId", doc: "The group id. Changing it replaces the group." },
    comment: { doc: "A free-form comment." },
  },
});
