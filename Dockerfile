# One image for every role: the command chooses it.
#   docker run IMAGE worker            # the default
#   docker run IMAGE ingress           # POST /events (set INGRESS_HOST=0.0.0.0 and INGRESS_API_KEY)
#   docker run IMAGE ingress --sqs URL
# No secrets in here: Temporal and AWS credentials, the ingress key and channel secrets come from the
# environment at run time (docs/deploying.md). test/image/image-fileset.test.ts assembles this
# file's final stage without Docker and runs a worker and an ingress from it: keep its COPY lines
# simple (one source per line; a folder's contents go to a folder of the same name).

# Build stage: every dependency, the compiled dist/ and the workflow bundle (npm run build).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/build.ts ./scripts/
COPY activities ./activities
COPY cli ./cli
COPY dev ./dev
COPY events ./events
COPY ingress ./ingress
COPY policies ./policies
COPY simulator ./simulator
COPY worker ./worker
COPY workflows ./workflows
RUN npm run build

# Final stage: production dependencies only, the build, the launcher and the default policy set.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CONNECT_REMEDIATOR_RUN_FROM=build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY policies/policies.yaml ./policies/
USER node
# The worker serves /metrics (WORKER_METRICS_PORT), the ingress /healthz (INGRESS_PORT).
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
ENTRYPOINT ["/app/bin/connect-remediator"]
CMD ["worker"]
