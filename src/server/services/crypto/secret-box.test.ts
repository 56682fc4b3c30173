import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secret-box";

describe("secret box", () => {
  it("round-trips and never stores the plain text", () => {
    const sealed = encryptSecret("p@ssw0rd-ünïcode");
    expect(sealed).not.toContain("p@ssw0rd");
    expect(sealed.startsWith("v1:")).toBe(true);
    expect(decryptSecret(sealed)).toBe("p@ssw0rd-ünïcode");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("refuses tampered ciphertext", () => {
    const sealed = encryptSecret("secret");
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join(":"))).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret("garbage")).toThrow(/unknown format/);
  });
});
