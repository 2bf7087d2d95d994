import type postgres from "postgres";
import type { BatchSendResult, OutgoingEmail, SendResult, Transport } from "./transport.js";

/**
 * The transport when RESEND_API_KEY is unset: the rendered email is kept in Postgres
 * (shown at /admin/outbox). The unique idempotency key makes a retry a replay, as at Resend.
 */
export function createOutboxTransport(sql: postgres.Sql): Transport {
  const transport: Transport = {
    name: "outbox",
    /** Each email keeps its own key in the outbox, so a replayed batch stores nothing twice. */
    async sendBatch(emails: OutgoingEmail[]): Promise<BatchSendResult> {
      const messageIds: string[] = [];
      for (const email of emails) {
        const result = await transport.send(email);
        if (!result.ok) return result;
        messageIds.push(result.messageId);
      }
      return { ok: true, messageIds };
    },
    async send(email: OutgoingEmail): Promise<SendResult> {
      try {
        const [row] = await sql<{ message_id: string }[]>`
          with inserted as (
            insert into outbox_emails (idempotency_key, step, "to", "from", reply_to, subject, html, text, headers, tags)
            values (${email.idempotencyKey}, ${email.step}, ${email.to}, ${email.from}, ${email.replyTo ?? null},
                    ${email.subject}, ${email.html}, ${email.text}, ${sql.json(email.headers)}, ${sql.json(email.tags)})
            on conflict (idempotency_key) do nothing
            returning message_id
          )
          select message_id from inserted
          union all
          select message_id from outbox_emails where idempotency_key = ${email.idempotencyKey}
          limit 1`;
        if (!row) return { ok: false, kind: "retryable", message: "outbox insert returned nothing" };
        return { ok: true, messageId: row.message_id };
      } catch (error) {
        return { ok: false, kind: "retryable", message: `outbox: ${(error as Error).message}` };
      }
    },
  };
  return transport;
}
