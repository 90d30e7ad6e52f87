/**
 * In-memory implementations of the domain ports, for use-case tests that check resulting state. They follow
 * the port contracts (conditional claims, one routing decision, all-or-nothing create), not any AWS detail.
 */

import { createHmac, randomUUID } from 'node:crypto';
import { deliveryRank } from '../../functions/adapters/dynamodb-email-ledger.ts';
import type { AuditQuery, AuditRecord, AuditTrail } from '../../functions/domain/audit.ts';
import {
  agencyAttentionBy,
  type CaseChange,
  type CaseListing,
  type CaseNote,
  listingOf,
  type TimelineEntry,
} from '../../functions/domain/casework.ts';
import type {
  CaseAccess,
  CaseListQuery,
  CaseRecord,
  CaseRepository,
  PendingCaseEvents,
} from '../../functions/domain/casework-ports.ts';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { EmailSendInProgress, EventsNotPublished, StaleVersion } from '../../functions/domain/errors.ts';
import type { Open311Client, Open311ClientRepository } from '../../functions/domain/open311-clients.ts';
import type {
  Agency,
  EnquiryCategory,
  Partnership,
  RoutingRule,
} from '../../functions/domain/partnership.ts';
import {
  type AcknowledgementWindow,
  type DeliveryReport,
  type EmailClaim,
  type EmailId,
  type EmailLedger,
  type EnquiryRepository,
  type EventPublisher,
  IdempotencyKeyTaken,
  type IdempotencyRecord,
  type Mailer,
  type OutgoingEmail,
  type Page,
  type PersonalDataHasher,
  type ReferenceDataRepository,
  type SuppressionList,
} from '../../functions/domain/ports.ts';
import { formatReference } from '../../functions/domain/reference.ts';
import type {
  MonthCounters,
  StatisticsFact,
  StatisticsMeasure,
  StatisticsStore,
} from '../../functions/domain/statistics.ts';
import type { OutgoingEvent } from '../../functions/events/envelope.ts';

export class InMemoryEnquiries implements EnquiryRepository {
  readonly enquiries = new Map<string, Enquiry>();
  /** The outbox: reference → when it is next due (receipt, then each deferral) and republishes so far. */
  readonly outbox = new Map<string, { mark: string; attempts: number }>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  private sequence = 0;

  /** Times of the acknowledgements recorded, by address hash, oldest first. */
  readonly acknowledgementTimes = new Map<string, Date[]>();

  async recordAcknowledgement(addressHash: string, window: AcknowledgementWindow) {
    const since = window.at.getTime() - window.seconds * 1000;
    const times = this.acknowledgementTimes.get(addressHash) ?? [];
    if (times.filter((t) => t.getTime() > since).length >= window.limit) return false;
    this.acknowledgementTimes.set(addressHash, [...times, window.at]);
    return true;
  }
  async releaseAcknowledgement(addressHash: string, at: Date) {
    const times = this.acknowledgementTimes.get(addressHash) ?? [];
    this.acknowledgementTimes.set(
      addressHash,
      times.filter((t) => t.getTime() !== at.getTime()),
    );
  }
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
  async getOutline(reference: string) {
    const enquiry = this.enquiries.get(reference);
    if (!enquiry) return undefined;
    const { category, sensitive, receivedAt } = enquiry;
    const postcode = enquiry.location?.postcode;
    return { reference, category, sensitive, receivedAt, ...(postcode ? { postcode } : {}) };
  }
  async countInOutbox(receivedBefore: string, atMost: number) {
    const count = [...this.outbox.keys()].filter(
      (reference) => (this.enquiries.get(reference)?.receivedAt ?? '') < receivedBefore,
    ).length;
    return Math.min(count, atMost);
  }
}

/**
 * Cases over the same enquiries: a change is saved only at the version it was read at, routing takes the
 * enquiry out of the outbox, and lists filter and page as the port says.
 */
export class InMemoryCases implements CaseRepository {
  readonly timeline = new Map<string, TimelineEntry[]>();
  readonly notes = new Map<string, CaseNote[]>();
  readonly pendingEvents = new Map<string, PendingCaseEvents & { at: string }>();
  readonly accesses: CaseAccess[] = [];
  private outboxSequence = 0;

  constructor(readonly enquiries: InMemoryEnquiries) {}

  async getCase(reference: string): Promise<CaseRecord | undefined> {
    const enquiry = this.enquiries.enquiries.get(reference);
    if (!enquiry) return undefined;
    return {
      enquiry,
      timeline: this.timeline.get(reference) ?? [],
      notes: this.notes.get(reference) ?? [],
      emails: [],
    };
  }
  async save(change: CaseChange, events: readonly OutgoingEvent[] = []) {
    const { before, after } = change;
    const stored = this.enquiries.enquiries.get(after.reference);
    if (!stored || stored.version !== before.version || stored.category !== before.category) {
      throw new StaleVersion();
    }
    // Like the table's update, a change writes the case fields only, never what the enquirer sent.
    const { description, contact, location, safeContact, statusToken, happeningNow, receivedAt, expiresAt } =
      stored;
    this.enquiries.enquiries.set(after.reference, {
      ...after,
      ...{ description, contact, location, safeContact, statusToken, happeningNow, receivedAt, expiresAt },
    });
    if (after.routing && !before.routing) this.enquiries.outbox.delete(after.reference);
    this.timeline.set(after.reference, [...(this.timeline.get(after.reference) ?? []), ...change.timeline]);
    if (change.note)
      this.notes.set(after.reference, [...(this.notes.get(after.reference) ?? []), change.note]);
    if (events.length === 0) return undefined;
    const outboxId = `outbox-${++this.outboxSequence}`;
    this.pendingEvents.set(outboxId, {
      reference: after.reference,
      outboxId,
      events: [...events],
      at: after.updatedAt,
    });
    return outboxId;
  }
  async markEventsPublished(_reference: string, outboxId: string) {
    this.pendingEvents.delete(outboxId);
  }
  async listPendingEvents(notSince: string, limit: number) {
    return [...this.pendingEvents.values()]
      .filter((pending) => pending.at < notSince)
      .slice(0, limit)
      .map(({ at: _at, ...pending }) => pending);
  }
  async listCases(query: CaseListQuery): Promise<Page<CaseListing>> {
    const key = (listing: CaseListing) => `${listing.receivedAt}#${listing.reference}`;
    const listings = [...this.enquiries.enquiries.values()]
      .filter((enquiry) => query.statuses.includes(enquiry.status))
      .filter(
        (enquiry) =>
          !query.agencyId ||
          enquiry.referrals.some((r) => r.agencyId === query.agencyId && r.status !== 'declined'),
      )
      .map((enquiry) =>
        query.agencyId
          ? { ...listingOf(enquiry), attentionBy: agencyAttentionBy(enquiry, query.agencyId) }
          : listingOf(enquiry),
      )
      .filter((listing) => query.category === undefined || listing.category === query.category)
      .filter((listing) => query.receivedFrom === undefined || listing.receivedAt >= query.receivedFrom)
      .filter((listing) => query.receivedBefore === undefined || listing.receivedAt < query.receivedBefore)
      .filter(
        (listing) =>
          query.overdueAt === undefined ||
          (listing.attentionBy !== undefined && listing.attentionBy < query.overdueAt),
      )
      .filter((listing) => query.assignedTo === undefined || listing.assignedTo === query.assignedTo)
      .filter((listing) => query.needsTriage === undefined || listing.needsTriage === query.needsTriage)
      .filter((listing) => query.cursor === undefined || key(listing) < query.cursor)
      .sort((a, b) => (key(a) < key(b) ? 1 : -1));
    const items = listings.slice(0, query.limit);
    const last = items.at(-1);
    return { items, cursor: listings.length > query.limit && last ? key(last) : undefined };
  }
  async recordAccess(access: CaseAccess) {
    this.accesses.push(access);
  }
  async listClosedBefore(sensitive: boolean, closedBefore: string, limit: number) {
    return [...this.enquiries.enquiries.values()]
      .filter((e) => e.status === 'closed' && !e.anonymisedAt && e.sensitive === sensitive)
      .filter((e) => e.closure !== undefined && e.closure.at < closedBefore)
      .sort((a, b) => (a.closure!.at < b.closure!.at ? -1 : 1))
      .slice(0, limit)
      .map((e) => e.reference);
  }
  async findBySubject(channel: 'email' | 'phone', subjectKey: string) {
    return [...this.enquiries.enquiries.values()]
      .filter((e) => e.subjectKeys?.[channel] === subjectKey)
      .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : 1))
      .map((e) => e.reference);
  }
  async anonymise(record: CaseRecord, after: Enquiry, timeline: readonly TimelineEntry[] = []) {
    const stored = this.enquiries.enquiries.get(after.reference);
    if (!stored || stored.version !== record.enquiry.version) throw new StaleVersion();
    this.enquiries.enquiries.set(after.reference, after);
    const keyHash = record.enquiry.idempotencyKeyHash;
    const idempotency = keyHash ? this.enquiries.idempotency.get(keyHash) : undefined;
    if (keyHash && idempotency) this.enquiries.idempotency.set(keyHash, { ...idempotency, requestHash: '' });
    this.timeline.set(after.reference, [...(this.timeline.get(after.reference) ?? []), ...timeline]);
    this.notes.set(
      after.reference,
      (this.notes.get(after.reference) ?? []).map((note) => ({ ...note, text: '[removed]' })),
    );
  }
}

/** The audit trail of an InMemoryCases: its reads and timeline entries, newest first, one page (no cursor). */
/** Statistics counters in memory: facts recorded once, counters by month like the table's items. */
export class InMemoryStatisticsStore implements StatisticsStore {
  readonly facts = new Set<string>();
  private readonly months = new Map<
    string,
    {
      counts: Record<string, Record<string, Partial<Record<StatisticsMeasure, number>>>>;
      histograms: Record<'daysToAcceptance' | 'daysToClosure', Record<number, number>>;
    }
  >();
  async record(fact: StatisticsFact) {
    const id = `${fact.reference}/${fact.id}`;
    if (fact.increments.length === 0 || this.facts.has(id)) return false;
    this.facts.add(id);
    const month = this.months.get(fact.month) ?? {
      counts: {},
      histograms: { daysToAcceptance: {}, daysToClosure: {} },
    };
    for (const increment of fact.increments) {
      if ('histogram' in increment) {
        const histogram = month.histograms[increment.histogram];
        histogram[increment.days] = (histogram[increment.days] ?? 0) + 1;
        continue;
      }
      const values = (month.counts[increment.dimension] ??= {});
      const measures = (values[increment.value] ??= {});
      measures[increment.measure] = (measures[increment.measure] ?? 0) + 1;
    }
    this.months.set(fact.month, month);
    return true;
  }
  async read(months: readonly string[]): Promise<MonthCounters[]> {
    return months.map((month) => ({
      month,
      ...(this.months.get(month) ?? { counts: {}, histograms: { daysToAcceptance: {}, daysToClosure: {} } }),
    }));
  }
}

/** Open311 clients in memory, keyed by the hash of their key like the table. */
export class InMemoryOpen311Clients implements Open311ClientRepository {
  readonly byKeyHash = new Map<string, Open311Client>();
  async create(client: Open311Client, keyHash: string) {
    this.byKeyHash.set(keyHash, client);
  }
  async findByKeyHash(keyHash: string) {
    return this.byKeyHash.get(keyHash);
  }
  async list() {
    return [...this.byKeyHash.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async revoke(id: string, at: string) {
    const entry = [...this.byKeyHash].find(([, client]) => client.id === id);
    if (!entry) return false;
    const [hash, client] = entry;
    this.byKeyHash.set(hash, { ...client, revokedAt: client.revokedAt ?? at });
    return true;
  }
}

export class InMemoryAuditTrail implements AuditTrail {
  constructor(private readonly cases: InMemoryCases) {}

  async list(query: AuditQuery): Promise<Page<AuditRecord>> {
    const reads: AuditRecord[] = this.cases.accesses.map((access) => ({
      kind: 'case-read',
      at: access.at,
      actor: { subject: access.subject, role: access.role, agencyId: access.agencyId },
      enquiry: access.reference,
      view: access.view,
    }));
    const changes: AuditRecord[] = [...this.cases.timeline.entries()].flatMap(([reference, entries]) =>
      entries.map((entry) => ({
        kind: 'case-change' as const,
        at: entry.at,
        actor: entry.actor,
        enquiry: reference,
        change: entry.kind,
        details: entry.details,
      })),
    );
    const items = [...reads, ...changes]
      .filter(
        (record) => record.kind === 'record-change' || !query.enquiry || record.enquiry === query.enquiry,
      )
      .filter((record) => !query.actor || record.actor.subject === query.actor)
      .filter(
        (record) => (!query.from || record.at >= query.from) && (!query.before || record.at < query.before),
      )
      .sort((a, b) => (a.at < b.at ? 1 : -1));
    return { items: items.slice(0, query.limit) };
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
    this.directoryVersion++;
  }
  async listAgencies() {
    return this.agencies;
  }
  /** Counted up by each change, as the table's directory version is. */
  directoryVersion = 0;
  async getDirectoryVersion() {
    return this.directoryVersion;
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
    licence: { name: 'Open Government Licence v3.0', identifier: 'OGL-UK-3.0' },
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

export class InMemoryLedger implements EmailLedger, SuppressionList {
  readonly records = new Map<
    string,
    {
      status: 'sending' | 'sent' | 'suppressed';
      leaseId: string;
      leaseExpiresAt: number;
      delivery?: DeliveryReport;
    }
  >();
  /** Keyed hashes of the addresses never to be emailed, with why. */
  readonly suppressedAddresses = new Map<string, 'bounce' | 'complaint'>();
  private key = (id: EmailId) => `${id.topic}/${id.kind}/${id.recipientId}`;
  async claim(id: EmailId, now: Date, leaseSeconds: number, suppressionKey: string): Promise<EmailClaim> {
    const existing = this.records.get(this.key(id));
    if (existing?.status === 'sent') return { outcome: 'already-sent' };
    if (existing?.status === 'suppressed') return { outcome: 'suppressed' };
    if (existing && existing.leaseExpiresAt >= now.getTime()) throw new EmailSendInProgress(this.key(id));
    if (this.suppressedAddresses.has(suppressionKey)) {
      this.records.set(this.key(id), { status: 'suppressed', leaseId: '', leaseExpiresAt: 0 });
      return { outcome: 'suppressed' };
    }
    const leaseId = randomUUID();
    this.records.set(this.key(id), {
      status: 'sending',
      leaseId,
      leaseExpiresAt: now.getTime() + leaseSeconds * 1000,
    });
    return { outcome: 'claimed', leaseId };
  }
  /** "Mark sent" calls to refuse, as a ledger whose table is unreachable. */
  failMarkSent = 0;
  markSentCalls = 0;
  async markSent(id: EmailId) {
    this.markSentCalls += 1;
    if (this.failMarkSent > 0) {
      this.failMarkSent -= 1;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }
    this.records.set(this.key(id), { status: 'sent', leaseId: '', leaseExpiresAt: 0 });
  }
  async release(id: EmailId, leaseId: string) {
    const existing = this.records.get(this.key(id));
    if (existing?.status === 'sending' && existing.leaseId === leaseId) existing.leaseExpiresAt = 0;
  }
  async recordDelivery(id: EmailId, report: DeliveryReport) {
    const existing = this.records.get(this.key(id));
    if (!existing) return false;
    if (existing.delivery && deliveryRank(existing.delivery) >= deliveryRank(report)) return false;
    existing.delivery = report;
    return true;
  }
  async suppress(addressHash: string, entry: { reason: 'bounce' | 'complaint' }) {
    if (!this.suppressedAddresses.has(addressHash)) this.suppressedAddresses.set(addressHash, entry.reason);
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

/** Keyed hashes with a fixed test key: the same input always hashes alike, and never to itself. */
export const testHasher: PersonalDataHasher = {
  async hash(kind, normalised) {
    return createHmac('sha256', 'test-key').update(`${kind}:${normalised}`).digest('base64url');
  },
};
