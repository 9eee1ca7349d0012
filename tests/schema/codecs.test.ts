import { describe, expect, it } from "vitest";
import { base64KeyValueCodec, booleanCodec, commentLinesCodec, listCodec, numberCodec, propertyStringCodec, splitList } from "../../schema/codecs";
import { definitionOf } from "../../schema/definitions";
import { apiMethod, isPropertyString } from "../../schema/pve-schema";

describe("booleanCodec", () => {
  it("decodes every spelling PVE uses", () => {
    for (const wire of [1, "1", true, "on", "yes", "true"]) expect(booleanCodec.decode(wire)).toBe(true);
    for (const wire of [0, "0", false, "off", "no", "false"]) expect(booleanCodec.decode(wire)).toBe(false);
    expect(booleanCodec.decode("maybe")).toBeUndefined();
  });
  it("encodes as 0/1 and round-trips", () => {
    expect(booleanCodec.encode(true)).toBe(1);
    expect(booleanCodec.encode(false)).toBe(0);
    for (const value of [true, false]) expect(booleanCodec.decode(booleanCodec.encode(value))).toBe(value);
  });
});

describe("numberCodec", () => {
  it("accepts numbers sent as strings", () => {
    expect(numberCodec.decode("2048")).toBe(2048);
    expect(numberCodec.decode(2048)).toBe(2048);
    expect(numberCodec.decode("")).toBeUndefined();
    expect(numberCodec.equal(2048, "2048" as unknown as number)).toBe(true);
  });
});

describe("listCodec", () => {
  it("splits on commas, semicolons and white space like PVE", () => {
    expect(splitList("a,b;c d")).toEqual(["a", "b", "c", "d"]);
    expect(listCodec.decode(["x", "y"])).toEqual(["x", "y"]);
  });
  it("joins with commas and ignores order when comparing", () => {
    expect(listCodec.encode(["VM.Audit", "Sys.Audit"])).toBe("VM.Audit,Sys.Audit");
    expect(listCodec.equal(["a", "b"], ["b", "a"])).toBe(true);
    expect(listCodec.equal(["a", "b"], ["a"])).toBe(false);
    expect(listCodec.decode(listCodec.encode(["a", "b"]))).toEqual(["a", "b"]);
  });
});

describe("propertyStringCodec", () => {
  const param = apiMethod("PUT", "/cluster/options")?.parameters["next-id"];
  if (!param || !isPropertyString(param)) throw new Error("schema lacks next-id");
  const codec = propertyStringCodec(param.format);

  it("decodes a property string into typed, camelCase sub-keys", () => {
    expect(codec.decode("lower=100,upper=2000")).toEqual({ lower: 100, upper: 2000 });
  });
  it("encodes an object back to PVE's names and round-trips", () => {
    const wire = codec.encode({ lower: 200, upper: 300 });
    expect(wire).toBe("lower=200,upper=300");
    expect(codec.decode(wire)).toEqual({ lower: 200, upper: 300 });
  });
  it("treats PVE's canonical form and ours as equal, and a different value as different", () => {
    expect(codec.equal("upper=300,lower=200", { lower: 200, upper: 300 })).toBe(true);
    expect(codec.equal("lower=200", { lower: 201 })).toBe(false);
  });
  it("maps kebab-case sub-keys to camelCase", () => {
    const tagStyle = apiMethod("PUT", "/cluster/options")?.parameters["tag-style"];
    if (!tagStyle || !isPropertyString(tagStyle)) throw new Error("schema lacks tag-style");
    const tags = propertyStringCodec(tagStyle.format);
    expect(tags.decode("case-sensitive=1,shape=circle")).toEqual({ caseSensitive: true, shape: "circle" });
    expect(tags.encode({ caseSensitive: false, shape: "full" })).toBe("case-sensitive=0,shape=full");
  });
});

describe("commentLinesCodec (a description kept as comment lines)", () => {
  it("reads PVE's newline after the last line away and compares texts as PVE reads them back", () => {
    expect(commentLinesCodec.decode("rack 1\n")).toBe("rack 1");
    expect(commentLinesCodec.equal("rack 1", "rack 1\n")).toBe(true);
    expect(commentLinesCodec.equal("a\n\nb\n\n", "a\n\nb\n")).toBe(true);
    expect(commentLinesCodec.equal("a  \nb", "a\nb\n")).toBe(true);
    expect(commentLinesCodec.equal("rack 1", "rack 2\n")).toBe(false);
  });

  it("is the codec of the datacenter's and a node's description", () => {
    for (const key of ["cluster:Options", "node:Options"]) {
      const field = definitionOf(key).fieldList.find((f) => f.pveName === "description");
      expect(field?.codec).toBe(commentLinesCodec);
    }
  });
});

describe("base64KeyValueCodec (an ACME DNS plugin's data)", () => {
  const wire = Buffer.from("CF_Token=abc=def\nCF_Account_ID=42\n").toString("base64");
  it("sends a map as base64 of KEY=value lines and reads it back as the map", () => {
    expect(base64KeyValueCodec.encode({ CF_Token: "abc=def", CF_Account_ID: "42" })).toBe(wire);
    expect(base64KeyValueCodec.decode(wire)).toEqual({ CF_Token: "abc=def", CF_Account_ID: "42" });
    expect(base64KeyValueCodec.decode(Buffer.from("A=1\n\nB=2").toString("base64"))).toEqual({ A: "1", B: "2" });
    expect(base64KeyValueCodec.decode("")).toBeUndefined();
  });
  it("compares maps, not their encoding (key order does not matter)", () => {
    expect(base64KeyValueCodec.equal({ CF_Account_ID: "42", CF_Token: "abc=def" }, wire)).toBe(true);
    expect(base64KeyValueCodec.equal({ CF_Token: "other" }, wire)).toBe(false);
  });
  it("is the typed map of cluster.AcmePlugin's data, checked key by key", () => {
    const data = definitionOf("cluster:AcmePlugin").fieldsByPveName.get("data");
    expect(data?.type).toEqual({ kind: "map" });
    expect(data?.schema.safeParse({ CF_Token: "x" }).success).toBe(true);
    expect(data?.schema.safeParse({ "CF Token": "x" }).success).toBe(false);
    expect(data?.schema.safeParse({ CF_Token: "two\nlines" }).success).toBe(false);
  });
});
