#!/usr/bin/env bash
# While a schema change has not landed, regenerate ONE pending migration (0001) from the schema,
# so parallel work on the schema never produces two conflicting migration files.
# Released migrations (those committed on main) are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/fur-migration.lock
flock 9
git checkout -- drizzle/meta/_journal.json
committed=$(git ls-files drizzle | grep -E '^drizzle/[0-9]{4}_.*\.sql$' | wc -l)
for f in drizzle/[0-9][0-9][0-9][0-9]_*.sql drizzle/meta/[0-9][0-9][0-9][0-9]_snapshot.json; do
  [ -e "$f" ] || continue
  git ls-files --error-unmatch "$f" >/dev/null 2>&1 || rm -f "$f"
done
npx drizzle-kit generate --name "${1:-pending}"
echo "released migrations: $committed; pending regenerated"
