// OTLP's standard ports (IANA, and the OpenTelemetry specification's defaults): the collector's
// receiver listens on them and Tempo's receivers take traces on them.
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
