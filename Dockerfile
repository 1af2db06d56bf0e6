# Vigil engine image: builds the TypeScript once, runs `vigil` as a non-root user.
FROM node:20-bookworm-slim AS build
# better-sqlite3 (the embedded store) builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY pipelines ./pipelines
RUN mkdir -p /var/lib/vigil && chown node:node /var/lib/vigil
USER node
ENTRYPOINT ["node", "bin/vigil.js"]
CMD ["demo", "--out", "/tmp/vigil"]
