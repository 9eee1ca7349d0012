import { describe, expect, it } from "vitest";
import { serialized } from "../../provider/engine/serial";

describe("serialized", () => {
  it("runs calls with the same key one after another, in order, and other keys independently", async () => {
    const events: string[] = [];
    const step = (name: string) => async () => {
      events.push(`start ${name}`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([serialized("a", step("a1")), serialized("a", step("a2")), serialized("b", step("b1"))]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(events.indexOf("start a2")).toBeGreaterThan(events.indexOf("end a1"));
    expect(events.indexOf("start b1")).toBeLessThan(events.indexOf("end a1"));
  });

  it("a failure does not block the next call", async () => {
    await expect(serialized("c", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(serialized("c", () => Promise.resolve(1))).resolves.toBe(1);
  });
});
