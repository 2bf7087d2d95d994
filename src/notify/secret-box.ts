import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Endpoint signing secrets are sealed (AES-256-GCM, key derived from APP_SECRET by HKDF): a database
 * dump or backup cannot sign calls the clinic's CRM would trust. Encryption, not a hash: the service
 * signs with them. A new APP_SECRET can't read them: rotate each endpoint's secret (docs/webhooks.md).
 */
export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

const PREFIX = "sealed:v1:";
const INFO = "flare-up-reset/webhook-endpoint-secrets";

export function secretBox(appSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync("sha256", appSecret, Buffer.alloc(0), INFO, 32));
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url");
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error("not a sealed endpoint secret");
      const bytes = Buffer.from(sealed.slice(PREFIX.length), "base64url");
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
