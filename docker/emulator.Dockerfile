# The Tencent SMS emulator as a service: its static musl binary on an empty base, as a
# non-root user, with a health check that needs no shell. Build from the repository root:
#   docker build -f docker/emulator.Dockerfile -t tencent-sms-emulator .
# Run on a network on purpose, with an access token for the page and the control API:
#   docker run -e TENCENT_SMS_EMULATOR_TOKEN=$(openssl rand -hex 16) -p 9000:9000 tencent-sms-emulator

FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p tencent-sms-emulator --bin tencent-sms-emulator \
 && cp target/release/tencent-sms-emulator /tencent-sms-emulator

FROM scratch
COPY --from=build /tencent-sms-emulator /tencent-sms-emulator
USER 65532:65532
EXPOSE 9000
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=5 \
  CMD ["/tencent-sms-emulator", "--check-health", "--port", "9000"]
ENTRYPOINT ["/tencent-sms-emulator"]
CMD ["--listen-on-network", "--host", "0.0.0.0", "--port", "9000"]
