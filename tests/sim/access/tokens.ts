/** `/access/users/{userid}/token[/{tokenid}]`: API tokens; the secret is shown once. */
import { randomUUID } from "node:crypto";
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, paramError, str } from "./common";
import { splitList } from "../models/config-text";
import type { AccessStore, TokenEntry, UserEntry } from "./store";

function tokenInfo(t: TokenEntry): Record<string, unknown> {
  return { privsep: t.privsep, expire: t.expire, ...(t.comment !== undefined ? { comment: t.comment } : {}) };
}

/** The user, or PVE's `no such user` 500. */
function userOf(store: AccessStore, userid: string): UserEntry {
  const user = store.users.get(userid);
  if (!user) throw die(`no such user ('${userid}')`);
  return user;
}

/** The token, or PVE's `no such token` 500. */
function tokenOf(store: AccessStore, userid: string, tokenid: string): TokenEntry {
  const token = userOf(store, userid).tokens.get(tokenid);
  if (!token) throw die(`no such token '${tokenid}' for user '${userid}'`);
  return token;
}

/** Registers the token endpoints. */
export const installTokens: AccessInstaller = (register, ctx, { store }) => {
  const ids = (params: Readonly<Record<string, unknown>>): [string, string] => [String(params["userid"]), String(params["tokenid"])];

  register("GET", "/access/users/{userid}/token", (req) =>
    [...userOf(store, String(req.params["userid"])).tokens].map(([tokenid, t]) => ({ tokenid, ...tokenInfo(t) })),
  );

  register("GET", "/access/users/{userid}/token/{tokenid}", (req) => tokenInfo(tokenOf(store, ...ids(req.params))));

  register("POST", "/access/users/{userid}/token/{tokenid}", (req) => {
    const [userid, tokenid] = ids(req.params);
    const user = userOf(store, userid);
    if (user.tokens.has(tokenid)) throw paramError({ tokenid: "Token already exists." });
    return lockUserConfig(ctx, "generating token failed", () => {
      const secret = randomUUID();
      const comment = str(req.params, "comment");
      const token = store.addToken(userid, tokenid, {
        privsep: req.params["privsep"] === 0 ? 0 : 1,
        expire: req.params["expire"] === undefined ? user.expire : Number(req.params["expire"]),
        secret,
        ...(comment !== undefined ? { comment } : {}),
      });
      return { "full-tokenid": `${userid}!${tokenid}`, info: tokenInfo(token), value: secret };
    });
  });

  register("PUT", "/access/users/{userid}/token/{tokenid}", (req) =>
    lockUserConfig(ctx, "updating token info failed", () => {
      const [userid, tokenid] = ids(req.params);
      const token = tokenOf(store, userid, tokenid);
      // `delete` resets options to their defaults (privsep on, the user's expiry, no comment).
      for (const key of splitList(req.params["delete"])) {
        if (key === "comment") delete token.comment;
        else if (key === "privsep") token.privsep = 1;
        else if (key === "expire") token.expire = userOf(store, userid).expire;
        else throw paramError({ delete: `unknown option '${key}'` });
      }
      if (req.params["privsep"] !== undefined) token.privsep = req.params["privsep"] === 1 ? 1 : 0;
      if (req.params["expire"] !== undefined) token.expire = Number(req.params["expire"]);
      const comment = str(req.params, "comment");
      if (comment !== undefined) token.comment = comment;
      if (req.params["regenerate"] === 1) {
        token.secret = randomUUID();
        return { ...tokenInfo(token), "full-tokenid": `${userid}!${tokenid}`, value: token.secret };
      }
      return tokenInfo(token);
    }),
  );

  register("DELETE", "/access/users/{userid}/token/{tokenid}", (req) =>
    lockUserConfig(ctx, "deleting token failed", () => {
      const [userid, tokenid] = ids(req.params);
      tokenOf(store, userid, tokenid);
      store.users.get(userid)?.tokens.delete(tokenid);
      for (const node of store.acl.values()) node.tokens.delete(`${userid}!${tokenid}`);
      return null;
    }),
  );
};
