# One image recipe for every kv service: docker build --build-arg SERVICE=kv-server .
# Stage 1 builds the jars with Maven; stage 2 is a JRE with the one jar the service needs.
# Stage 1 copies every module the root pom lists (bench and kv-compat too: Maven refuses a missing module);
# DockerfileBuildTest copies the same paths into an empty folder and runs the same build.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY kv-protocol kv-protocol
COPY kv-server kv-server
COPY kv-proxy kv-proxy
COPY kv-compat kv-compat
COPY kv-client kv-client
COPY bench bench
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
ARG SERVICE=kv-server
COPY --from=build /src/${SERVICE}/target/${SERVICE}.jar /app/app.jar
WORKDIR /app
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
