# syntax=docker/dockerfile:1
#
# gongjian: a static binary on distroless, running as the nonroot user (65532).
#
#   docker build --build-arg VERSION="$(git describe --tags --always --dirty)" -t gongjian .
#   docker run -p 8080:8080 -v gongjian-data:/data gongjian                 # SQLite in /data
#   docker run -p 8080:8080 -e GONGJIAN_DATABASE_URL=postgres://... gongjian  # PostgreSQL
#
# Other subcommands replace CMD: docker run gongjian migrate, docker run gongjian version.
# docker-compose.yml runs two replicas on PostgreSQL behind Caddy (docs/operations.md).

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
ENV CGO_ENABLED=0

# Modules first, so editing code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download

COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/gongjian ./cmd/gongjian \
 && mkdir /out/data

# static-debian12 has CA certificates and tzdata (listings expand recurrences in Asia/Shanghai)
# and no shell; :nonroot runs as uid/gid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gongjian /gongjian
# The SQLite default needs a directory the nonroot user can write; a new volume mounted here
# starts with this ownership.
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
VOLUME ["/data"]
ENV GONGJIAN_ADDR=:8080 \
    GONGJIAN_DATABASE_URL=/data/gongjian.db
USER nonroot:nonroot
EXPOSE 8080
# The image has no shell or curl: the binary checks its own /readyz (503 while draining on
# SIGTERM, or while the database does not answer).
HEALTHCHECK --interval=10s --timeout=4s --start-period=20s --retries=3 CMD ["/gongjian", "healthcheck"]
ENTRYPOINT ["/gongjian"]
CMD ["serve"]
