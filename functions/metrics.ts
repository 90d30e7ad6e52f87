/**
 * Custom CloudWatch metrics: what the functions emit (Powertools Metrics, as embedded-metric-format log lines)
 * and the stack alarms and graphs on. One module, so an alarm cannot watch a name nobody emits.
 */

/** The namespace of a stage's custom metrics; set on every function as `POWERTOOLS_METRICS_NAMESPACE`. */
export function metricsNamespace(stageName: string): string {
  return `CSP/${stageName}`;
}

/** Metric names; Powertools adds the emitting function's service name as the `service` dimension. */
export const CUSTOM_METRICS = {
  /** Enquiries received over five minutes ago whose event the router has still not received (per sweep). */
  outboxBacklog: 'EnquiriesUnpublishedOver5Minutes',
} as const;
