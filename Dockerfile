# Kagent: one image, one executable (`kagent agent` in member clusters, `kagent hub` in the control plane).
# hack/publish.sh holds the restore and publish commands, so that the same output can be built without Docker.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that the package layer is cached across source changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY hack/publish.sh hack/
COPY src/Kagent/Kagent.csproj src/Kagent/
COPY src/Kagent.Api/Kagent.Api.csproj src/Kagent.Api/
COPY src/Kagent.Operator/Kagent.Operator.csproj src/Kagent.Operator/
RUN hack/publish.sh restore
COPY src/ src/
COPY config/agent/ config/agent/
ARG KAGENT_COMMIT=unknown
RUN KAGENT_COMMIT=${KAGENT_COMMIT} KAGENT_NO_RESTORE=1 hack/publish.sh publish /out

# Chiseled: no shell, no package manager, runs as the non-root user "app" (UID 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /out .
# A small footprint (docs/benchmarks.md, "Runtime settings"; hack/bench.sh runs with these same lines): only methods
# called 2,000 times are compiled again optimized, a 1 MiB first-generation GC budget, two malloc arenas, and thread
# pool workers that sleep at once instead of spinning for more work (idle CPU 8.8 -> 6.7 millicores measured).
# The agent's Deployment (config/agent/deployment.yaml) turns tiered compilation and ReadyToRun code off on top of these.
ENV DOTNET_TC_CallCountThreshold=2000
ENV DOTNET_GCgen0size=0x100000
ENV MALLOC_ARENA_MAX=2
ENV DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0
USER 1654
ENTRYPOINT ["/app/kagent"]
