/** Read functions of `/access/users`: one user, and the list (the family of the `access.User` kind). */
import { defineRead } from "../define";

/** `access.getUser`: one user by id, with `keys` as a secret output. */
export const getUser = defineRead({
  namespace: "access",
  name: "getUser",
  description: "Reads one user (`GET /access/users/{userid}`); `keys` (Yubico ids or OATH secrets) is a secret output.",
  path: "/access/users/{userid}",
  args: [{ pveName: "userid", sdkName: "userId", doc: "The user id `name@realm`." }],
  objectOf: "access:User",
});

/** `access.getUsers`: every user with its tokens, optionally only enabled or disabled ones. */
export const getUsers = defineRead({
  namespace: "access",
  name: "getUsers",
  description: "Lists users with their tokens (`GET /access/users?full=1`); each user's `keys` is a secret output.",
  path: "/access/users",
  args: [{ pveName: "enabled", sdkName: "enabled", doc: "Only enabled (true) or disabled (false) users.", optional: true }],
  query: { full: 1 },
  objectOf: "access:User",
});
