/**
 * In-memory implementations of the domain ports, for use-case tests that check resulting state. They follow
 * the port contracts (conditional claims, one routing decision, all-or-nothing create), not any AWS detail.
 */
import { randomUUID } from 'node:crypto';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { EmailSendInProgress, EventsNotPublished } from '../../functions/domain/errors.ts';
import type {
  Agency,
  EnquiryCategory,
  Partnership,
  RoutingRule,
} from '../../functions/domain/partnership.ts';
import {
  type EmailClaim,
  type EmailId,
  type EmailLedger,
  type EnquiryRepository,
  type EventPublisher,
  IdempotencyKeyTaken,
  type IdempotencyRecord,
  type Mailer,
  type OutgoingEmail,
  type ReferenceDataRepository,
} from '../../functions/domain/ports.ts';
import { formatReference } from '../../functions/domain/reference.ts';
import type { Recipient } from '../../functions/domain/routing.ts';
import type { OutgoingEvent } from '../../functions/events/envelope.ts';

export class InMemoryEnquiries implements EnquiryRepository {
  readonly enquiries = new Map<string, Enquiry>();
  /** The outbox: reference → when it is next due (receipt, then each deferral) and republishes so far. */
  readonly outbox = new Map<string, { mark: string; attempts: number }>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  private sequence = 0;

  async nextReference(year: number) {
    return formatReference(year, ++this.sequence);
  }
  async create(enquiry: Enquiry, record?: IdempotencyRecord) {
    if (record && this.idempotency.has(record.keyHash)) throw new IdempotencyKeyTaken();
    if (record) this.idempotency.set(record.keyHash, record);
    this.enquiries.set(enquiry.reference, enquiry);
    this.outbox.set(enquiry.reference, { mark: enquiry.receivedAt, attempts: 0 });
  }
  async findIdempotencyRecord(keyHash: string) {
    return this.idempotency.get(keyHash);
  }
  async get(reference: string) {
    return this.enquiries.get(reference);
  }
  async getMany(references: readonly string[]) {
    return new Map(
      references.flatMap((reference) => {
        const enquiry = this.enquiries.get(reference);
        return enquiry ? [[reference, enquiry] as const] : [];
      }),
    );
  }
  async listInOutbox(notAttemptedSince: string, limit: number) {
    return [...this.outbox]
      .filter(([, { mark }]) => mark < notAttemptedSince)
      .sort(([, a], [, b]) => a.mark.localeCompare(b.mark))
      .slice(0, limit)
      .map(([reference, { attempts }]) => ({ enquiry: this.enquiries.get(reference)!, attempts }));
  }
  async deferOutbox(reference: string, until: string) {
    const entry = this.outbox.get(reference);
    if (entry) this.outbox.set(reference, { mark: until, attempts: entry.attempts + 1 });
  }
  async recordRouting(reference: string, category: string, recipients: readonly Recipient[], at: string) {
    const enquiry = this.enquiries.get(reference);
    if (!enquiry || enquiry.category !== category) return undefined;
    this.outbox.delete(reference);
    if (enquiry.routing) return enquiry.routing;
    this.enquiries.set(reference, {
      ...enquiry,
      routing: recipients,
      routedTo: recipients.map((r) => r.id),
      status: enquiry.status === 'received' ? 'routed' : enquiry.status,
      updatedAt: enquiry.status === 'received' ? at : enquiry.updatedAt,
    });
    return recipients;
  }
  async listByStatus() {
    return { items: [] };
  }
}

export class InMemoryReferenceData implements ReferenceDataRepository {
  constructor(
    readonly partnership: Partnership,
    readonly categories: EnquiryCategory[],
    readonly agencies: Agency[],
    readonly routing: RoutingRule[],
  ) {}
  async getPartnership() {
    return this.partnership;
  }
  async listCategories() {
    return this.categories;
  }
  async getCategory(code: string) {
    return this.categories.find((c) => c.code === code);
  }
  async getRoutingRule(category: string) {
    const rule = this.routing.find((r) => r.category === category);
    return rule && { ...rule, version: 1 };
  }
  async updateRoutingRule(rule: RoutingRule) {
    this.routing.splice(
      this.routing.findIndex((r) => r.category === rule.category),
      1,
      rule,
    );
  }
  async listAgencies() {
    return this.agencies;
  }
}

/** A small partnership: the CSU, one category (parking) routed to one agency (the parking team). */
export const SMALL_PARTNERSHIP = {
  partnership: {
    id: 'ashford',
    name: 'Ashford CSP',
    csuName: 'Ashford CSU',
    csuMailbox: 'csu@ashford.example',
    urgentPhone: '01233 331111',
    urgentPhoneHours: 'weekends',
  },
  categories: [{ code: 'parking', title: 'Parking', description: 'Parking', sensitive: false }],
  agencies: [{ id: 'parking-team', name: 'Parking team', email: 'parking@ashford.example' }],
  routing: [{ category: 'parking', agencyIds: ['parking-team'] }],
} as const satisfies {
  partnership: Partnership;
  categories: readonly EnquiryCategory[];
  agencies: readonly Agency[];
  routing: readonly RoutingRule[];
};

/** In-memory reference data of {@link SMALL_PARTNERSHIP}, copied so a test may change it. */
export function smallPartnershipReferenceData(): InMemoryReferenceData {
  const { partnership, categories, agencies, routing } = SMALL_PARTNERSHIP;
  return new InMemoryReferenceData(
    { ...partnership },
    categories.map((c) => ({ ...c })),
    agencies.map((a) => ({ ...a })),
    routing.map((r) => ({ ...r, agencyIds: [...r.agencyIds] })),
  );
}

/** Keeps what was published; `failNext` refuses that many publish calls. */
export class RecordingPublisher implements EventPublisher {
  readonly published: OutgoingEvent[] = [];
  failNext = 0;
  async publish(events: readonly OutgoingEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new EventsNotPublished(
        events.map((e) => ({ detailType: e.detailType, errorCode: 'InternalFailure' })),
      );
    }
    this.published.push(...events);
  }
}

export class InMemoryLedger implements EmailLedger {
  readonly records = new Map<
    string,
    { status: 'sending' | 'sent'; leaseId: string; leaseExpiresAt: number }
  >();
  private key = (id: EmailId) => `${id.topic}/${id.kind}/${id.recipientId}`;
  async claim(id: EmailId, now: Date, leaseSeconds: number): Promise<EmailClaim> {
    const existing = this.records.get(this.key(id));
    if (existing?.status === 'sent') return { outcome: 'already-sent' };
    if (existing && existing.leaseExpiresAt >= now.getTime()) throw new EmailSendInProgress(this.key(id));
    const leaseId = randomUUID();
    this.records.set(this.key(id), {
      status: 'sending',
      leaseId,
      leaseExpiresAt: now.getTime() + leaseSeconds * 1000,
    });
    return { outcome: 'claimed', leaseId };
  }
  async markSent(id: EmailId) {
    this.records.set(this.key(id), { status: 'sent', leaseId: '', leaseExpiresAt: 0 });
  }
  async release(id: EmailId, leaseId: string) {
    const existing = this.records.get(this.key(id));
    if (existing?.status === 'sending' && existing.leaseId === leaseId) existing.leaseExpiresAt = 0;
  }
}

/** Keeps what was sent; `failWith` makes the next send throw that error instead. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  failWith?: Error;
  async send(email: OutgoingEmail) {
    if (this.failWith) {
      const error = this.failWith;
      this.failWith = undefined;
      throw error;
    }
    this.sent.push(email);
    return `message-${this.sent.length}`;
  }
}

/** A clock tests move by hand. */
export function aClock(start = '2026-11-26T10:00:00.000Z') {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.advance = (seconds: number) => {
    now += seconds * 1000;
  };
  return clock;
}
