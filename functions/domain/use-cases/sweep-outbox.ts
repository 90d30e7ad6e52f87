import { enquiryReceived } from '../../events/enquiry-received.ts';
import type { Clock, EnquiryRepository, EventPublisher } from '../ports.ts';

export interface SweepOutboxDeps {
  readonly enquiries: EnquiryRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

export interface SweepOutboxResult {
  readonly republished: string[];
  readonly failed: string[];
}

/**
 * Publishes `EnquiryReceived` for enquiries whose first publish failed. Only enquiries older than
 * `graceSeconds` are taken, so a request still in flight is normally left to finish its own publish; if the
 * two overlap, consumers are idempotent and nothing is sent twice.
 */
export async function sweepOutbox(
  deps: SweepOutboxDeps,
  options: { graceSeconds: number; batchSize: number },
): Promise<SweepOutboxResult> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - options.graceSeconds * 1000).toISOString();
  const pending = await deps.enquiries.listUnpublished(cutoff, options.batchSize);
  const republished: string[] = [];
  const failed: string[] = [];
  for (const enquiry of pending) {
    try {
      await deps.events.publish([enquiryReceived(enquiry, now.toISOString())]);
      await deps.enquiries.markPublished(enquiry.reference, deps.clock().toISOString());
      republished.push(enquiry.reference);
    } catch {
      // Left marked: the next run tries again. One bad enquiry must not block the rest.
      failed.push(enquiry.reference);
    }
  }
  return { republished, failed };
}
