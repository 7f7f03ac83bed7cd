# Logto's official image with this connector in its connectors folder, as `logto connector add`
# leaves it, in place of the official Tencent connector (both use the id
# `tencent-short-message-service`, and Logto refuses to start with two). The tarball is the
# one `npm pack` makes after `npm run build:linux`, copied to docker/ (see the README).
ARG LOGTO_TAG=latest
FROM svhd/logto:${LOGTO_TAG}
COPY docker/connector-tencent-sms-rs-*.tgz /tmp/connector.tgz
RUN find packages/core/connectors -maxdepth 1 -name '*tencent-sms*' -exec rm -rf {} + \
 && mkdir -p packages/core/connectors/connector-tencent-sms-rs \
 && tar -xzf /tmp/connector.tgz -C packages/core/connectors/connector-tencent-sms-rs --strip-components=1 \
 && rm /tmp/connector.tgz
