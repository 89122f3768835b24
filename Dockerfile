# syntax=docker/dockerfile:1
# One build, three runtime images (targets): worker (also the onec-exporter command), enqueuer, emulator.
#   docker build --target worker -t onec-exporter/worker .
# Not built on the development machine (no Docker engine there); checked by ComposeFileTest.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY queue/pom.xml queue/
COPY enqueuer-api/pom.xml enqueuer-api/
COPY platform/pom.xml platform/
COPY telemetry/pom.xml telemetry/
COPY onec-emulator/pom.xml onec-emulator/
COPY exporter/pom.xml exporter/
COPY enqueuer-service/pom.xml enqueuer-service/
COPY worker/pom.xml worker/
COPY console/pom.xml console/
COPY cli/pom.xml cli/
COPY bench/pom.xml bench/
COPY demo/pom.xml demo/
COPY onec-extension/pom.xml onec-extension/
# Maven reads every module of the reactor, even those -pl leaves out; only the shipped ones need their sources.
COPY queue/src queue/src
COPY enqueuer-api/src enqueuer-api/src
COPY platform/src platform/src
COPY telemetry/src telemetry/src
COPY onec-emulator/src onec-emulator/src
COPY exporter/src exporter/src
COPY enqueuer-service/src enqueuer-service/src
COPY worker/src worker/src
COPY console/src console/src
COPY cli/src cli/src
# Only the modules that ship (onec-extension holds the 1C side and its checks, bench the benchmarks, demo ops/demo).
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -DskipTests -pl cli,enqueuer-service,telemetry,onec-emulator -am package

FROM eclipse-temurin:21-jre AS runtime
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /app/logs && chown app:app /app/logs
WORKDIR /app
# UTF-8 so Cyrillic settings and output survive; logs under /app/logs (mount a volume to keep them).
ENV LANG=C.UTF-8 LC_ALL=C.UTF-8 LOG_DIR=/app/logs JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
USER app

FROM runtime AS worker
COPY --from=build /src/cli/target/cli-*-all.jar /app/onec-exporter.jar
# A small worker (256 MB for the container, up to 32 exports in flight): ops/bench step 8 measured RSS and start to
# the first claim with these flags (README "A small worker"; docs/performance.md). Class data sharing: the first
# start writes /app/cds/onec-exporter.jsa when the JVM exits (docker stop), later starts map it (on one core 1.3 s to
# the first claim against 2.0 s without it); a new image or other flags make the JVM write it again. Set
# ONEC_JAVA_OPTS to change them (a worker with many more exports in flight needs a larger -Xmx).
USER root
RUN mkdir -p /app/cds && chown app:app /app/cds
USER app
ENV ONEC_JAVA_OPTS="-XX:+UseSerialGC -Xmx96m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=/app/cds/onec-exporter.jsa"
EXPOSE 9090
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${WORKER_HTTP_PORT:-9090} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["bash", "-c", "exec java $ONEC_JAVA_OPTS -jar /app/onec-exporter.jar \"$@\"", "onec-exporter"]
CMD ["worker"]

FROM runtime AS enqueuer
COPY --from=build /src/enqueuer-service/target/enqueuer-service-*-all.jar /app/enqueuer.jar
# The OpenTelemetry SDK, on the class path only when an OTEL_* variable is set (as ops/enqueuer-api does).
COPY --from=build /src/telemetry/target/telemetry-*-all.jar /app/tracing/telemetry.jar
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${ENQUEUER_PORT:-8081} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["bash", "-c", "if env | grep -q '^OTEL_[A-Z0-9_]*=.'; then exec java -cp /app/enqueuer.jar:/app/tracing/telemetry.jar org.onecexporter.enqueuer.service.EnqueuerMain \"$@\"; else exec java -jar /app/enqueuer.jar \"$@\"; fi", "enqueuer"]

FROM runtime AS emulator
COPY --from=build /src/onec-emulator/target/onec-emulator-*-all.jar /app/onec-emulator.jar
EXPOSE 8088
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${EMULATOR_PORT:-8088} && printf 'GET /_emulator/health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-jar", "/app/onec-emulator.jar"]
