import { defineConfig } from "drizzle-kit";

// Generates SQL into drizzle/ from the schema; `npm run db:migrate` applies it.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
});
