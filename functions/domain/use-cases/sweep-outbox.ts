import { enquiryReceived } from '../../events/enquiry-received.ts';
import type { CaseRepository } from '../casework-ports.ts';
import type { Clock, EnquiryRepository, EventPublisher } from '../ports.ts';

export interface SweepOutboxDeps {
  readonly enquiries: Pick<EnquiryRepository, 'listInOutbox' | 'deferOutbox' | 'countInOutbox'>;
  readonly cases: Pick<CaseRepository, 'listPendingEvents' | 'markEventsPublished'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

export interface SweepOutboxResult {
  readonly republished: string[];
  readonly failed: string[];
  /** Enquiries whose case events (staff changes) were published here, not by the request that made them. */
  readonly caseEventsPublished: string[];
  /** Republished at least `OUTBOX_ALERT_ATTEMPTS` times without the router receiving them. */
  readonly stuck: string[];
  /**
   * Enquiries received over `OUTBOX_BACKLOG_AGE_SECONDS` ago that the router has still not received (at most
   * `OUTBOX_BACKLOG_COUNT_LIMIT`): zero while all is well, so any other value is worth an alarm.
   */
  readonly backlog: number;
}

/** Age from which an enquiry the router has not received counts as backlog: far beyond a normal publish. */
export const OUTBOX_BACKLOG_AGE_SECONDS = 5 * 60;

/** Where counting the backlog stops: enough to see an outage's size without reading a flooded outbox. */
export const OUTBOX_BACKLOG_COUNT_LIMIT = 10_000;

/** Longest wait between two republishes of one enquiry. */
export const OUTBOX_MAX_DEFER_SECONDS = 60 * 60;

/** Republishes after which an enquiry is reported as stuck (the router keeps failing on it). */
export const OUTBOX_ALERT_ATTEMPTS = 5;

/**
 * Publishes `EnquiryReceived` again for enquiries the router has not received, and the events of staff
 * changes whose request could not publish them: the first publish failed, or
 * the event was lost after it. Only enquiries untouched for `graceSeconds` are taken, so a request or a
 * delivery still in flight normally finishes first; if they overlap, consumers are idempotent and nothing is
 * sent twice. Each republish defers the next one, doubling the wait (at most an hour), so an enquiry the router
 * keeps failing on is retried for ever but never floods the queue.
 */
export async function sweepOutbox(
  deps: SweepOutboxDeps,
  options: { graceSeconds: number; batchSize: number },
): Promise<SweepOutboxResult> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - options.graceSeconds * 1000).toISOString();
  const pending = await deps.enquiries.listInOutbox(cutoff, options.batchSize);
  const republished: string[] = [];
  const failed: string[] = [];
  const stuck: string[] = [];
  for (const { enquiry, attempts } of pending) {
    try {
      await deps.events.publish([enquiryReceived(enquiry, now.toISOString())]);
      await deps.enquiries.deferOutbox(
        enquiry.reference,
        nextAttemptMark(now, attempts, options.graceSeconds),
      );
      republished.push(enquiry.reference);
      if (attempts + 1 >= OUTBOX_ALERT_ATTEMPTS) stuck.push(enquiry.reference);
    } catch {
      // Left as it was: the next run tries again. One bad enquiry must not block the rest.
      failed.push(enquiry.reference);
    }
  }
  // A staff change's events are published by its request; these are the ones it could not publish.
  const caseEventsPublished: string[] = [];
  for (const pendingChange of await deps.cases.listPendingEvents(cutoff, options.batchSize)) {
    try {
      await deps.events.publish(pendingChange.events);
      await deps.cases.markEventsPublished(
        pendingChange.reference,
        pendingChange.outboxId,
        now.toISOString(),
      );
      caseEventsPublished.push(pendingChange.reference);
    } catch {
      failed.push(pendingChange.reference);
    }
  }
  const backlog = await deps.enquiries.countInOutbox(
    new Date(now.getTime() - OUTBOX_BACKLOG_AGE_SECONDS * 1000).toISOString(),
    OUTBOX_BACKLOG_COUNT_LIMIT,
  );
  return { republished, failed, stuck, caseEventsPublished, backlog };
}

/**
 * The mark that makes the enquiry due again `graceSeconds × 2^attempts` from now (at most an hour): the sweep
 * takes marks older than `graceSeconds`, so the mark is set that much less into the future.
 */
export function nextAttemptMark(now: Date, attempts: number, graceSeconds: number): string {
  const waitSeconds = Math.min(graceSeconds * 2 ** attempts, OUTBOX_MAX_DEFER_SECONDS);
  return new Date(now.getTime() + (waitSeconds - graceSeconds) * 1000).toISOString();
}
