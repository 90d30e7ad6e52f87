/**
 * What EventBridge Scheduler hands every scheduled function (the stateless stack sets it; the local scheduler
 * sends the same): the time the run was scheduled for.
 */

/** Input of a schedule's target: `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`. */
export interface ScheduledInput {
  readonly scheduledTime?: string;
}

/**
 * The instant a run decides for: its scheduled time, so a delayed or retried run still decides for the time it
 * was meant for; now, when invoked by hand without one.
 * @throws Error when `scheduledTime` is not a date.
 */
export function scheduledInstant(event: ScheduledInput, now: () => Date): Date {
  const at = event.scheduledTime ? new Date(event.scheduledTime) : now();
  if (Number.isNaN(at.getTime())) throw new Error('scheduledTime is not a date');
  return at;
}
