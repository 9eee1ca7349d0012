import { defineKind, restCalls } from "../../define";

/** `access.ApiToken`: an API token of a user. */
export const apiToken = defineKind({
  namespace: "access",
  name: "ApiToken",
  description:
    "An API token of a user (`/access/users/{userid}/token/{tokenid}`). PVE shows the token secret only once, " +
    "at creation: it is the secret output `value`. With `privsep` (the default) the token has only the " +
    "privileges its own ACLs grant, intersected with the user's.",
  lifecycle: "collection",
  identity: ["userid", "tokenid"],
  idSeparator: "!",
  ...restCalls(null, "/access/users/{userid}/token/{tokenid}"),
  // A lost create answer lost the secret with it: PVE issues a new one (the old one stops working).
  reissue: { method: "PUT", path: "/access/users/{userid}/token/{tokenid}", extra: { regenerate: 1 } },
  exclude: ["regenerate"],
  fields: {
    userid: { sdkName: "userId", doc: "The owning user (`name@realm`)." },
    tokenid: { sdkName: "tokenId", doc: "The token name." },
    comment: { doc: "A free-form comment." },
    // PVE's token update deletes only `comment`: the others are unset by writing PVE's "not set".
    expire: { unset: 0, doc: "Expiry as seconds since the epoch; 0 (the default) means the token has no expiry of its own (the user's still applies)." },
    privsep: { sdkName: "privilegeSeparation", unset: 1, doc: "Restrict the token to its own ACLs. PVE's default is true." },
  },
  outputs: {
    fullTokenId: { pveName: "full-tokenid", type: "string", doc: "The full token id `user@realm!token`.", fromCreate: true },
    value: {
      pveName: "value",
      type: "string",
      secret: true,
      fromCreate: true,
      doc: "The token secret, shown by PVE only once. Use with `fullTokenId` as `PVEAPIToken=<id>=<value>`.",
    },
  },
});
