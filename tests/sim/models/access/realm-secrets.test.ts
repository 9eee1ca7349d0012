/**
 * What `GET /access/domains[/{realm}]` returns of a realm's secrets, as Domains.pm and the auth
 * plugins store them: the bind password apart and never, the OpenID client key and the realm's
 * Yubico API key in domains.cfg and on read; the index only the TFA type.
 */
import { describe, expect, it } from "vitest";
import { raw, TEST_TOKEN } from "../../testkit/raw";
import { useSimulator } from "../../testkit/sim";

const sim = useSimulator();
const auth = { token: TEST_TOKEN };

describe("realm secrets on read", () => {
  it("returns the OpenID client-key and the tfa property string with its key, as domains.cfg holds them", async () => {
    const form = { realm: "oidc-s", type: "openid", "issuer-url": "https://id.example.com", "client-id": "pve", "client-key": "oidc-Cl13nt-K3y" };
    expect((await raw(sim(), "POST", "/access/domains", { auth, form })).status).toBe(200);
    const read = await raw(sim(), "GET", "/access/domains/oidc-s", { auth });
    expect(read.json?.data).toMatchObject({ type: "openid", "client-key": "oidc-Cl13nt-K3y" });
    const put = await raw(sim(), "PUT", "/access/domains/pve", { auth, form: { tfa: "type=yubico,id=42,key=yubiAPIk3y0123,url=https://api.example/verify" } });
    expect(put.status).toBe(200);
    expect((await raw(sim(), "GET", "/access/domains/pve", { auth })).json?.data).toMatchObject({
      tfa: "type=yubico,id=42,key=yubiAPIk3y0123,url=https://api.example/verify",
    });
    // `delete` removes the key from the section, as for any other option.
    expect((await raw(sim(), "PUT", "/access/domains/oidc-s", { auth, form: { delete: "client-key" } })).status).toBe(200);
    expect((await raw(sim(), "GET", "/access/domains/oidc-s", { auth })).json?.data).not.toHaveProperty("client-key");
  });

  it("lists only the tfa type in the index, which anyone may read", async () => {
    const list = await raw(sim(), "GET", "/access/domains");
    const pve = (list.json?.data as Array<Record<string, unknown>>).find((d) => d["realm"] === "pve");
    expect(pve?.["tfa"]).toBe("yubico");
    expect(JSON.stringify(list.json)).not.toContain("yubiAPIk3y0123");
  });

  it("never returns the LDAP bind password", async () => {
    const form = {
      realm: "ldap-s",
      type: "ldap",
      base_dn: "dc=example,dc=com",
      user_attr: "uid",
      server1: "ldap.example.com",
      bind_dn: "cn=admin",
      password: "b1nd-s3cret",
    };
    expect((await raw(sim(), "POST", "/access/domains", { auth, form })).status).toBe(200);
    expect(JSON.stringify((await raw(sim(), "GET", "/access/domains/ldap-s", { auth })).json)).not.toContain("b1nd-s3cret");
  });
});
