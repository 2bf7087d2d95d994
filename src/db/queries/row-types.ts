import type { Table } from "drizzle-orm";
import type { Database } from "../client.js";

/** A drizzle transaction, as `db.transaction(async (tx) => …)` hands it over. */
export type DbTransaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Where a query may run: on the pool, or inside the caller's drizzle transaction. */
export type Queryable = Database | DbTransaction;

/** A value as Postgres's to_jsonb writes it: timestamps and dates become strings, the rest stays. */
type JsonValueOf<T> = T extends Date ? string : T;

/** One row of `T` keyed by its SQL column names (snake_case, as stored), nullable columns `| null`. */
type Row<T extends Table, AsJson extends boolean> = {
  [K in keyof T["_"]["columns"] as T["_"]["columns"][K]["_"]["name"]]:
    | (AsJson extends true ? JsonValueOf<T["_"]["columns"][K]["_"]["data"]> : T["_"]["columns"][K]["_"]["data"])
    | (T["_"]["columns"][K]["_"]["notNull"] extends true ? never : null);
};

/**
 * One row of `T` as `to_jsonb(row)` writes it, derived from the drizzle table so it cannot drift:
 * timestamps as ISO strings, bigint columns as numbers (ours stay far below 2^53), jsonb as stored.
 */
export type JsonRow<T extends Table> = Row<T, true>;

/** One row of `T` as the raw postgres.js pool returns `select *` (src/db/client.ts parses int8 as a number, timestamptz as a Date). */
export type RawRow<T extends Table> = Row<T, false>;
