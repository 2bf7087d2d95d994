/**
 * Dependencies point one way (issue 28), checked by dependency-cruiser: tests/unit/
 * dependency-rules.unit.test.ts runs these rules in `npm test`; `npx depcruise main.ts src
 * workers emails` prints the same report.
 *
 * The layers, bottom first. A unit (a folder of src/, or one of src/'s own files) imports only
 * units of the layers below its own — never a unit of its own layer other than itself, never one
 * above. So no two folders can depend on each other, however long the way round, and a new upward
 * import fails the test with the two files named. Type-only imports count: a type is a
 * dependency of the code that reads it.
 *
 *  0  emails/, src/logger.ts, secret.ts, tokens.ts, unsafe-text.ts, banner.ts   import nothing of ours
 *  1  src/config.ts, src/db, src/mail           the environment; storage; rendering and transports
 *  2  src/queue, src/audit, src/signals         queues over the store; the admin audit; link keys and
 *                                               what counts as a person
 *  3  src/outbound, src/metrics                 the one pipeline for everything sent; metrics
 *  4  src/campaign, src/notify                  the sequence and its emails; outgoing webhooks
 *  5  src/guide, src/feedback                   the guide (uses the campaign's links); provider events
 *  6  src/data-rights                           export and erasure (uses feedback's anonymising)
 *  7  src/admin                                 the back office over every domain
 *  8  src/http, src/pages                       middleware; the pages a reader sees
 *  9  src/routes                                thin handlers
 * 10  src/app.ts                                the Hono app
 * 11  src/deps.ts                               builds every dependency once
 * 12  src/bootstrap.ts, src/server.ts, workers/ start the stores, the API, the workers
 * 13  main.ts, src/migrate-cli.ts               entry points: nothing imports them
 *
 * src/ never imports the top-level workers/ or main.ts: main.ts sits beside both and wires them.
 * Moving a unit up or down is a decision: make it here, in one line, with the import that needs it.
 */
const LAYERS = [
  ["emails", "src/logger.ts", "src/secret.ts", "src/tokens.ts", "src/unsafe-text.ts", "src/banner.ts"],
  ["src/config.ts", "src/db", "src/mail"],
  ["src/queue", "src/audit", "src/signals"],
  ["src/outbound", "src/metrics"],
  ["src/campaign", "src/notify"],
  ["src/guide", "src/feedback"],
  ["src/data-rights"],
  ["src/admin"],
  ["src/http", "src/pages"],
  ["src/routes"],
  ["src/app.ts"],
  ["src/deps.ts"],
  ["src/bootstrap.ts", "src/server.ts", "workers"],
  ["main.ts", "src/migrate-cli.ts"],
];

/** A unit's path pattern: a file by its name, a folder by everything under it. */
function pattern(unit) {
  const escaped = unit.replace(/[.]/g, "\\.");
  return /\.tsx?$/.test(unit) ? `^${escaped}$` : `^${escaped}/`;
}

const layered = (units) => units.map(pattern);
const everyUnit = LAYERS.flat();

const upward = LAYERS.flatMap((units, layer) =>
  units.map((unit) => ({
    name: `layer-${layer}:${unit}`,
    comment: `${unit} (layer ${layer}) imports only units of layers 0-${layer - 1}; see the table at the top of .dependency-cruiser.cjs`,
    severity: "error",
    from: { path: pattern(unit) },
    to: { path: layered(LAYERS.slice(layer).flat()), pathNot: pattern(unit) },
  })),
);

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No module reaches itself through its imports, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "unlayered-module",
      comment: "A new folder of src/ (or file at its top) needs its line in LAYERS: until then it may import nothing.",
      severity: "error",
      from: { pathNot: layered(everyUnit) },
      to: {},
    },
    {
      name: "unlayered-import",
      comment: "A new folder of src/ (or file at its top) needs its line in LAYERS before anything imports it.",
      severity: "error",
      from: {},
      to: { pathNot: layered(everyUnit) },
    },
    ...upward,
  ],
  options: {
    includeOnly: "^(main\\.ts$|src/|workers/|emails/)",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
