/** Read functions of `/access/groups`: the group list and one group (the family of `access.Group`). */
import { defineRead } from "../define";

/** `access.getGroups`: every user group. */
export const getGroups = defineRead({
  namespace: "access",
  name: "getGroups",
  description: "Lists the user groups (`GET /access/groups`).",
  path: "/access/groups",
  args: [],
});

/** `access.getGroup`: one group with its members. */
export const getGroup = defineRead({
  namespace: "access",
  name: "getGroup",
  description: "Reads one group with its members (`GET /access/groups/{groupid}`).",
  path: "/access/groups/{groupid}",
  args: [{ pveName: "groupid", sdkName: "groupId", doc: "The group id." }],
});
