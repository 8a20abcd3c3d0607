/**
 * Powertools reads its settings from the environment only, when its logger and metrics are built
 * (at import): main.ts imports this first. The values are what the stacks give the functions, less
 * the metrics and traces nobody collects on one machine.
 */
Object.assign(process.env, {
  POWERTOOLS_SERVICE_NAME: 'sway',
  POWERTOOLS_METRICS_NAMESPACE: 'Sway',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  // With no traces, the X-Ray SDK's automatic mode only costs: it tracks every promise of the process
  // through an async hook (about a tenth of the gateway's time under the ingest benchmark).
  AWS_XRAY_MANUAL_MODE: 'true',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  // Lambda runs Node 22; the SDK's notice about Node 20 only clutters a developer's terminal.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
});
