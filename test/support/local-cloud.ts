/**
 * Helpers for tests that drive the local cloud the way a user would: over HTTP, then reading the SES
 * emulator's store. Waiting is by polling for a condition with a deadline, never by sleeping a fixed time.
 */
import { randomUUID } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { apiClient, type Schemas } from './api-client.ts';

export const cloud = () => inject('localCloud');

/** An email as aws-ses-v2-local stores it. */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
  readonly at: number;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every local queue is empty and nothing is being processed. */
export async function waitForQuiet(): Promise<void> {
  await eventually(async () => {
    const response = await fetch(`${cloud().control}/idle`);
    const { idle } = (await response.json()) as { idle: boolean };
    return idle ? true : undefined;
  }, 'the local queues to drain');
}

/** Every email in the SES emulator. */
export async function allEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${cloud().sesInbox}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails;
}

/** Emails about one enquiry (the reference is in every subject we send). */
export async function emailsFor(reference: string): Promise<StoredEmail[]> {
  return (await allEmails()).filter((email) => email.subject.includes(reference));
}

/** Sets (or with no argument clears) the local cloud's injected faults. */
export async function setFaults(faults?: {
  eventBridgeFailNextEntries?: number;
  eventBridgeDropNextEntries?: number;
  sesRejectRecipients?: string[];
  sesThrottleAll?: boolean;
}) {
  const response = await fetch(`${cloud().control}/faults`, {
    method: faults ? 'PUT' : 'DELETE',
    body: faults ? JSON.stringify(faults) : undefined,
  });
  if (!response.ok) throw new Error(`Setting faults failed: ${response.status}`);
}

/** A retry time scale at which the queues' 9 hours of retrying pass in under 7 seconds. */
export const FAST_RETRIES = 0.0002;

/**
 * Compresses the queues' retry back-off (by `scale`) until `undo` is called; a batch's own visibility keeps
 * the cloud's time scale.
 */
export async function compressRetryBackoff(scale = FAST_RETRIES): Promise<() => Promise<void>> {
  const response = await fetch(`${cloud().control}/retry-time-scale`, {
    method: 'PUT',
    body: JSON.stringify({ scale }),
  });
  if (!response.ok) throw new Error(`Setting the retry time scale failed: ${response.status}`);
  return async () => {
    await fetch(`${cloud().control}/retry-time-scale`, { method: 'DELETE' });
  };
}

/** Moves a queue's dead letters back onto it, as `npm run redrive -- <queue>` does. */
export async function redrive(queue: string): Promise<number> {
  const response = await fetch(`${cloud().control}/queues/${queue}/redrive`, { method: 'POST' });
  return ((await response.json()) as { moved: number }).moved;
}

/** How many sends SES refused (rejected or throttled), per address, since the faults were last set. */
export async function sesRejections(): Promise<Record<string, number>> {
  const response = await fetch(`${cloud().control}/faults`);
  return ((await response.json()) as { sesRejections: Record<string, number> }).sesRejections;
}

/** Runs a schedule now, as if it had been scheduled at `scheduledTime`. */
export async function fireSchedule(
  name: string,
  scheduledTime?: string,
): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  const response = await fetch(`${cloud().control}/schedules/${name}/fire`, {
    method: 'POST',
    body: JSON.stringify({ scheduledTime }),
  });
  const { result } = (await response.json()) as { result: { ok: boolean; value?: unknown; error?: string } };
  return result;
}

/** A dead-lettered message, with the retry delays its consumer set. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly visibilityChanges: number[];
}

export async function deadLetters(queue: string): Promise<DeadLetter[]> {
  const response = await fetch(`${cloud().control}/queues/${queue}/dead-letters`);
  return ((await response.json()) as { deadLetters: DeadLetter[] }).deadLetters;
}

/**
 * A staff token from the local user pool, as `npm run token` prints it: for a partner representative with
 * their organisation, for an agency officer with `{ agencyId }`, optionally for a named user (`subject`).
 */
export async function staffToken(
  role: string,
  organisationId?: string,
  options: { agencyId?: string; subject?: string } = {},
): Promise<string> {
  const response = await fetch(`${cloud().control}/auth/token`, {
    method: 'POST',
    body: JSON.stringify({ role, organisationId, ...options }),
  });
  const { token } = (await response.json()) as { token: string };
  return token;
}

/** A valid enquiry body; every personal field carries a unique marker so tests can trace (or miss) it. */
export function anEnquiry<const O extends Partial<Schemas['NewEnquiry']> = Record<never, never>>(
  overrides: O = {} as O,
) {
  const marker = randomUUID().slice(0, 8);
  return {
    category: 'anti-social-behaviour',
    description: `Youths shouting outside the shops every night ${marker}`,
    name: `Sam Tester ${marker}`,
    email: `sam.${marker}@resident.example`,
    phone: '01233 555 0101',
    location: { postcode: 'tn23 1pl', address: '1 High Street, Ashford' },
    happeningNow: false,
    safeContact: { mayEmail: true, mayPhone: false },
    ...overrides,
  };
}

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Calls the API and parses the JSON (or problem+json) response. */
export async function callApi<T = Record<string, unknown>>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<ApiResponse<T>> {
  const { json, ...rest } = init;
  const response = await fetch(`${cloud().api}${path}`, {
    ...rest,
    headers: {
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(rest.headers ?? {}),
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/**
 * Submits an enquiry through the typed client (openapi-fetch): the body must be one the contract describes.
 * A test that sends what the contract refuses on purpose uses `callApi` instead.
 */
export async function submitEnquiry(
  body: Schemas['NewEnquiry'],
  headers: { 'Idempotency-Key'?: string } = {},
): Promise<ApiResponse<Schemas['EnquiryAccepted']>> {
  const { data, error, response } = await apiClient().POST('/enquiries', {
    body,
    params: { header: headers },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (data ?? error) as Schemas['EnquiryAccepted'],
  };
}

/**
 * Every item of the local cloud's table, as JSON: a test's own Scan, to search every attribute of every item
 * ("was anything stored?", "is any personal value left?").
 */
export async function tableContents(): Promise<string> {
  const dynamo = new DynamoDBClient({
    endpoint: cloud().dynamodb,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const items: unknown[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: 'csp-local', ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  } finally {
    dynamo.destroy();
  }
  return JSON.stringify(items);
}
