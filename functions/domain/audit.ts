/**
 * The audit trail, as a partnership admin reads it: every read of a case's personal data and every change to
 * a case or a partnership record, newest first. Writers record these as they go (see casework-ports.ts and
 * governance-ports.ts); this is the one view across them.
 */
import type { Actor, TimelineKind } from './casework.ts';
import type { Page } from './ports.ts';

/** Someone read a case's personal data. */
export interface CaseReadRecord {
  readonly kind: 'case-read';
  readonly at: string;
  readonly actor: Actor;
  readonly enquiry: string;
  /** What was read: `case`, `subject-access`… */
  readonly view: string;
}

/** Someone (or the system) changed a case: a timeline entry, codes only. */
export interface CaseChangeRecord {
  readonly kind: 'case-change';
  readonly at: string;
  readonly actor: Actor;
  readonly enquiry: string;
  readonly change: TimelineKind;
  readonly details: Readonly<Record<string, unknown>>;
}

/** An admin or representative changed a partnership record (routing, chair, motion…), with before and after. */
export interface RecordChangeRecord {
  readonly kind: 'record-change';
  readonly at: string;
  readonly actor: { readonly subject: string };
  readonly entity: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
}

export type AuditRecord = CaseReadRecord | CaseChangeRecord | RecordChangeRecord;

/** Which part of the trail to read; each filter optional. */
export interface AuditQuery {
  /** Only what concerns this enquiry (its reads and changes). */
  readonly enquiry?: string;
  /** Only what this user (token subject) or system actor did. */
  readonly actor?: string;
  /** ISO instants: at or after `from`, before `before`. */
  readonly from?: string;
  readonly before?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Reads the audit trail. */
export interface AuditTrail {
  /** One page, newest first; never a Scan. */
  list(query: AuditQuery): Promise<Page<AuditRecord>>;
}
