import { describe, expect, it } from "vitest";
import { secretBox } from "../../src/notify/secret-box.js";
import { newWebhookSecret } from "../../src/notify/signing.js";

describe("endpoint secrets are stored sealed", () => {
  const box = secretBox("an-app-secret-of-at-least-32-characters!!");

  it("seals each time differently, opens to the same secret, and never holds it in clear", () => {
    const secret = newWebhookSecret();
    const [a, b] = [box.seal(secret), box.seal(secret)];
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret.slice(6, 20));
    expect(box.open(a)).toBe(secret);
    expect(box.open(b)).toBe(secret);
  });

  it("refuses a tampered seal, another APP_SECRET's seal, and a clear secret", () => {
    const sealed = box.seal(newWebhookSecret());
    const tampered = sealed.slice(0, -3) + (sealed.endsWith("AAA") ? "BBB" : "AAA");
    expect(() => box.open(tampered)).toThrow();
    expect(() => secretBox("another-app-secret-of-32-characters-xx").open(sealed)).toThrow();
    expect(() => box.open(newWebhookSecret())).toThrow();
  });
});
