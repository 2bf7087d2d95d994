import { eq } from "drizzle-orm";
import type { Database } from "../client.js";
import { subscribers } from "../schema/subscribers.js";

/** The SQL behind the admin's actions on one subscriber (src/admin/subscriber-actions.ts). */

/** The address an action works on, and whether it was erased (nothing left to act on). */
export async function subscriberAddress(db: Database, id: string): Promise<{ email: string; erased: boolean } | undefined> {
  const [row] = await db
    .select({ email: subscribers.email, erasedAt: subscribers.erasedAt })
    .from(subscribers)
    .where(eq(subscribers.id, id));
  return row ? { email: row.email, erased: row.erasedAt !== null } : undefined;
}
