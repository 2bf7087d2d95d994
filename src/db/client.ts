import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.js";

export type Database = PostgresJsDatabase<typeof schema>;

export interface DbHandle {
  /** drizzle, for typed queries and the migrator. */
  db: Database;
  /** postgres.js, for the hot paths written as SQL (one statement, one round trip). */
  sql: postgres.Sql;
  close(): Promise<void>;
}

/**
 * Two pools on purpose: drizzle's postgres-js driver rewrites its client's parsers and serializers
 * (dates, JSON as strings), which breaks raw queries on Dates and timestamps; the raw one keeps its own.
 */
export function createDb(url: string, poolSize: number): DbHandle {
  const options = {
    // Our own notices (e.g. "relation already exists, skipping") are not worth a log line.
    onnotice: () => {},
    connection: { application_name: "flare-up-reset" },
  };
  const sql = postgres(url, {
    ...options,
    max: poolSize,
    // int8 (ids, count(*)) as a number, so `id: number` holds: our bigints are ids or counts, ≪ 2^53.
    types: { int8: { to: 20, from: [20], parse: (value: string) => Number(value), serialize: (value: number) => String(value) } },
  });
  const drizzleClient = postgres(url, { ...options, max: Math.max(2, Math.ceil(poolSize / 4)) });
  const db = drizzle(drizzleClient, { schema });
  return {
    db,
    sql,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), drizzleClient.end({ timeout: 5 })]);
    },
  };
}
