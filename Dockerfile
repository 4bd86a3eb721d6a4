# Kagent: one image, one executable (`kagent agent` in member clusters, `kagent hub` in the control plane).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so that the package layer is cached across source changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Kagent/Kagent.csproj src/Kagent/
COPY src/Kagent.Api/Kagent.Api.csproj src/Kagent.Api/
COPY src/Kagent.Operator/Kagent.Operator.csproj src/Kagent.Operator/
RUN dotnet restore src/Kagent/Kagent.csproj
COPY src/ src/
ARG KAGENT_COMMIT=unknown
RUN dotnet publish src/Kagent/Kagent.csproj -c Release -o /out --no-restore \
      -p:KAGENT_COMMIT=${KAGENT_COMMIT} -p:PublishReadyToRun=true -p:RuntimeIdentifier=linux-x64 --self-contained false

# Chiseled: no shell, no package manager, runs as the non-root user "app" (UID 1654).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /out .
USER 1654
ENTRYPOINT ["/app/kagent"]
