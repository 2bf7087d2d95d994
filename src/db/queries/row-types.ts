import type { Table } from "drizzle-orm";
import type { Database } from "../client.js";

/** A drizzle transaction, as `db.transaction(async (tx) => …)` hands it over. */
export type DbTransaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Where a query may run: on the pool, or inside the caller's drizzle transaction. */
export type Queryable = Database | DbTransaction;

/** A value as Postgres's to_jsonb writes it: timestamps and dates become strings, the rest stays. */
type JsonValueOf<T> = T extends Date ? string : T;

/**
 * One row of `T` as `to_jsonb(row)` writes it, derived from the drizzle table so it cannot drift:
 * the SQL column names as keys (snake_case, as stored), timestamps as ISO strings, bigint columns
 * as numbers (ours stay far below 2^53), jsonb as stored, nullable columns `| null`.
 */
export type JsonRow<T extends Table> = {
  [K in keyof T["_"]["columns"] as T["_"]["columns"][K]["_"]["name"]]: T["_"]["columns"][K]["_"]["notNull"] extends true
    ? JsonValueOf<T["_"]["columns"][K]["_"]["data"]>
    : JsonValueOf<T["_"]["columns"][K]["_"]["data"]> | null;
};

/**
 * One row of `T` as the raw postgres.js pool returns `select *` (src/db/client.ts parses int8 as a
 * number, timestamptz as a Date): the SQL column names as keys, the schema's value types.
 */
export type RawRow<T extends Table> = {
  [K in keyof T["_"]["columns"] as T["_"]["columns"][K]["_"]["name"]]: T["_"]["columns"][K]["_"]["notNull"] extends true
    ? T["_"]["columns"][K]["_"]["data"]
    : T["_"]["columns"][K]["_"]["data"] | null;
};
