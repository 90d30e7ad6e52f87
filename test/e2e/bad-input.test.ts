/**
 * Bad input gets a clear 4xx problem naming the field, never a 5xx, and nothing is stored: enquiries, and every
 * write to the partnership's own directory (organisations, memberships, agencies, profile, documents, plans,
 * strategic assessments).
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { type ApiClient, apiClient, type Schemas } from '../support/api-client.ts';
import { anEnquiry, callApi, cloud, staffToken, tableContents } from '../support/local-cloud.ts';

const dynamo = new DynamoDBClient({
  endpoint: inject('localCloud').dynamodb,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/** The last reference number handed out this year: a refused request must not use one up. */
async function lastReferenceNumber(): Promise<number> {
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: 'csp-local',
      Key: { PK: { S: 'COUNTER#ENQUIRY_REFERENCE' }, SK: { S: `YEAR#${new Date().getUTCFullYear()}` } },
      ConsistentRead: true,
    }),
  );
  return Number(Item?.lastSequence?.N ?? 0);
}

/** Sends bytes the contract cannot express (bad JSON, wrong types, unknown fields, other media types): raw. */
const post = (body: string, contentType = 'application/json') =>
  callApi<Schemas['Problem']>('/enquiries', {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });

/** Sends a body the generated types accept but whose values the rules refuse: through the typed client. */
async function submit(enquiry: Schemas['NewEnquiry'], headers: { 'Idempotency-Key'?: string } = {}) {
  const { error, response } = await apiClient().POST('/enquiries', {
    body: enquiry,
    params: { header: headers },
  });
  return { status: response.status, headers: response.headers, body: error };
}

type Case = {
  name: string;
  status: number;
  field?: string;
  type: string;
} & (
  | { body: (marker: string) => string; contentType?: string }
  | { enquiry: (marker: string) => Schemas['NewEnquiry']; headers?: { 'Idempotency-Key': string } }
);

const cases: Case[] = [
  {
    name: 'invalid JSON',
    status: 400,
    type: 'malformed-request',
    body: (m) => `{"category": "parking", "description": "${m}"`,
  },
  {
    name: 'a JSON array',
    status: 422,
    type: 'validation-failed',
    field: '(body)',
    body: (m) => JSON.stringify([m]),
  },
  {
    name: 'a wrong type',
    status: 422,
    type: 'validation-failed',
    field: 'happeningNow',
    body: (m) => JSON.stringify({ ...anEnquiry({ description: m }), happeningNow: 'yes' }),
  },
  {
    name: 'a missing description',
    status: 422,
    type: 'validation-failed',
    field: 'description',
    body: (m) => JSON.stringify({ category: 'parking', name: m }),
  },
  {
    name: 'a blank description',
    status: 422,
    type: 'validation-failed',
    field: 'description',
    enquiry: (m) => ({ category: 'parking', description: '   ', name: m }),
  },
  {
    name: 'a description over 4,000 characters',
    status: 422,
    type: 'validation-failed',
    field: 'description',
    enquiry: (m) => ({ ...anEnquiry(), description: m + 'x'.repeat(4000) }),
  },
  {
    name: 'an unknown category',
    status: 422,
    type: 'unknown-category',
    field: 'category',
    enquiry: (m) => ({ ...anEnquiry(), description: m, category: 'alien-abduction' }),
  },
  {
    name: 'an unknown field',
    status: 422,
    type: 'validation-failed',
    field: 'catgory',
    body: (m) => JSON.stringify({ ...anEnquiry({ description: m }), catgory: 'x' }),
  },
  {
    name: 'CR/LF in the name',
    status: 422,
    type: 'validation-failed',
    field: 'name',
    enquiry: (m) => ({ ...anEnquiry(), description: m, name: 'Sam\r\nBcc: victim@example.com' }),
  },
  {
    name: 'CR/LF in the email',
    status: 422,
    type: 'validation-failed',
    field: 'email',
    enquiry: (m) => ({ ...anEnquiry(), description: m, email: 'sam@example.com\r\nBcc: x@example.com' }),
  },
  {
    name: 'LF in the phone number',
    status: 422,
    type: 'validation-failed',
    field: 'phone',
    enquiry: (m) => ({ ...anEnquiry(), description: m, phone: '01233\n555' }),
  },
  {
    name: 'a lone surrogate (text no email can carry)',
    status: 422,
    type: 'validation-failed',
    field: 'name',
    enquiry: (m) => ({ ...anEnquiry(), description: m, name: 'Sam \ud800' }),
  },
  {
    name: 'a right-to-left override in the name',
    status: 422,
    type: 'validation-failed',
    field: 'name',
    enquiry: (m) => ({ ...anEnquiry(), description: m, name: 'Sam \u202eevil.exe' }),
  },
  {
    name: 'a C1 control in the address',
    status: 422,
    type: 'validation-failed',
    field: 'location.address',
    enquiry: (m) => ({ ...anEnquiry(), description: m, location: { address: '1 High St\u0085Bcc' } }),
  },
  {
    name: 'an invalid email',
    status: 422,
    type: 'validation-failed',
    field: 'email',
    enquiry: (m) => ({ ...anEnquiry(), description: m, email: 'not-an-email' }),
  },
  {
    name: 'a bad postcode',
    status: 422,
    type: 'validation-failed',
    field: 'location.postcode',
    enquiry: (m) => ({ ...anEnquiry(), description: m, location: { postcode: 'NOT A CODE' } }),
  },
  {
    name: 'latitude without longitude',
    status: 422,
    type: 'validation-failed',
    field: 'location.latitude',
    enquiry: (m) => ({ ...anEnquiry(), description: m, location: { latitude: 51.1 } }),
  },
  {
    name: 'a body over 32 KB',
    status: 413,
    type: 'payload-too-large',
    body: (m) => JSON.stringify({ ...anEnquiry({ description: m }), padding: 'x'.repeat(40_000) }),
  },
  {
    name: 'a text/plain body',
    status: 415,
    type: 'unsupported-media-type',
    contentType: 'text/plain',
    body: (m) => JSON.stringify(anEnquiry({ description: m })),
  },
  {
    name: 'a form-encoded body',
    status: 415,
    type: 'unsupported-media-type',
    contentType: 'application/x-www-form-urlencoded',
    body: (m) => `category=parking&description=${m}`,
  },
  {
    name: 'a malformed Idempotency-Key',
    status: 422,
    type: 'validation-failed',
    field: 'Idempotency-Key',
    headers: { 'Idempotency-Key': 'has spaces in it' },
    enquiry: (m) => ({ ...anEnquiry(), description: m }),
  },
];

describe('POST /enquiries with bad input', () => {
  it.each(cases)('$name → $status problem, nothing stored', async (testCase) => {
    const marker = `bad-input-${Math.random().toString(36).slice(2, 10)}`;
    const referenceBefore = await lastReferenceNumber();

    const { status, headers, body } =
      'enquiry' in testCase
        ? await submit(testCase.enquiry(marker), testCase.headers)
        : await post(testCase.body(marker), testCase.contentType);

    expect(status).toBe(testCase.status);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(body).toMatchObject({ type: `urn:csp:problem:${testCase.type}`, status: testCase.status });
    expect(typeof body?.title).toBe('string');
    if (testCase.field) {
      expect(body?.errors?.map((e) => e.field)).toContain(testCase.field);
    }
    expect(await tableContents()).not.toContain(marker);
    expect(await lastReferenceNumber()).toBe(referenceBefore);
  });
});

/** The reply to a directory write: the typed client's, or one `callApi` made raw. */
type Reply = { status: number; headers: Headers; body: unknown };

type DirectoryCase = {
  name: string;
  role: 'partnership-admin' | 'csu-officer';
  status: number;
  field: string;
} /** Bytes the generated types cannot express (a wrong type, an unknown field, a value off the enum): raw. */ & (
  | { raw: { method: 'POST' | 'PATCH'; path: string; body: (marker: string) => unknown } }
  /** A body the types accept but whose values the rules refuse: through the typed client. */
  | { typed: (api: ApiClient, marker: string) => Promise<{ response: Response; error?: unknown }> }
);

const directoryCases: DirectoryCase[] = [
  {
    name: 'POST /organisations: a membership starting on no date',
    role: 'partnership-admin',
    status: 422,
    field: 'membership.startsOn',
    typed: (api, m) =>
      api.POST('/organisations', {
        body: { name: `Organisation ${m}`, membership: { kind: 'statutory', startsOn: '1 April 2021' } },
      }),
  },
  {
    name: 'POST /organisations: a representative with a field the schema does not know',
    role: 'partnership-admin',
    status: 422,
    field: 'representatives.0.phone',
    raw: {
      method: 'POST',
      path: '/organisations',
      body: (m) => ({
        name: `Organisation ${m}`,
        representatives: [{ name: 'Sam Rep', role: 'Inspector', email: 'sam@rep.example', phone: '01233' }],
      }),
    },
  },
  {
    name: 'PATCH /organisations/{id}: a representative whose address is not one',
    role: 'partnership-admin',
    status: 422,
    field: 'representatives.0.email',
    typed: (api, m) =>
      api.PATCH('/organisations/{id}', {
        params: { path: { id: 'kent-police' }, header: { 'If-Match': '"1"' } },
        body: { representatives: [{ name: `Rep ${m}`, role: 'Inspector', email: 'not-an-email' }] },
      }),
  },
  {
    name: 'PATCH /organisations/{id}: a line break in the name',
    role: 'partnership-admin',
    status: 422,
    field: 'name',
    typed: (api, m) =>
      api.PATCH('/organisations/{id}', {
        params: { path: { id: 'kent-police' }, header: { 'If-Match': '"1"' } },
        body: { name: `Kent Police ${m}\r\nBcc: x@example.com` },
      }),
  },
  {
    name: 'POST /organisations/{id}/memberships: a kind of membership that does not exist',
    role: 'partnership-admin',
    status: 422,
    field: 'kind',
    raw: {
      method: 'POST',
      path: '/organisations/kent-police/memberships',
      body: () => ({ kind: 'founding', startsOn: '2090-01-01' }),
    },
  },
  {
    name: 'POST /organisations/{id}/memberships/{n}/end: a date written the British way',
    role: 'partnership-admin',
    status: 422,
    field: 'endsOn',
    typed: (api) =>
      api.POST('/organisations/{id}/memberships/{n}/end', {
        params: { path: { id: 'kent-police', n: 1 }, header: { 'If-Match': '"1"' } },
        body: { endsOn: '30/06/2022' },
      }),
  },
  {
    name: 'POST /agencies: a referral mailbox that is not an address',
    role: 'csu-officer',
    status: 422,
    field: 'email',
    typed: (api, m) => api.POST('/agencies', { body: { name: `Agency ${m}`, email: 'referrals at police' } }),
  },
  {
    name: 'PATCH /agencies/{id}: a string for a boolean',
    role: 'partnership-admin',
    status: 422,
    field: 'active',
    raw: {
      method: 'PATCH',
      path: '/agencies/kent-police',
      body: (m) => ({ name: `Agency ${m}`, active: 'no' }),
    },
  },
  {
    name: 'PATCH /partnership: a privacy notice that is not https',
    role: 'partnership-admin',
    status: 422,
    field: 'privacyNoticeUrl',
    typed: (api, m) =>
      api.PATCH('/partnership', {
        params: { header: { 'If-Match': '"1"' } },
        body: { csuName: `CSU ${m}`, privacyNoticeUrl: 'http://www.ashford.gov.example/privacy' },
      }),
  },
  {
    name: 'PATCH /partnership: an urgent number that is not a number',
    role: 'partnership-admin',
    status: 422,
    field: 'urgentPhone',
    typed: (api, m) =>
      api.PATCH('/partnership', {
        params: { header: { 'If-Match': '"1"' } },
        body: { csuName: `CSU ${m}`, urgentPhone: 'ring the council' },
      }),
  },
  {
    name: 'POST /documents: a kind of document that does not exist',
    role: 'partnership-admin',
    status: 422,
    field: 'kind',
    raw: {
      method: 'POST',
      path: '/documents',
      body: (m) => ({
        title: `Leaflet ${m}`,
        kind: 'leaflet',
        url: 'https://www.ashford.gov.example/leaflet.pdf',
        publishedOn: '2024-05-01',
      }),
    },
  },
  {
    name: 'POST /plans: plan years that are not the period’s',
    role: 'partnership-admin',
    status: 422,
    field: 'years',
    typed: (api, m) =>
      api.POST('/plans', {
        body: {
          period: '2090-93',
          title: `Plan ${m}`,
          adoptedOn: '2090-04-01',
          years: [{ planYear: '2095-96', priorities: ['Tackling violence'] }],
        },
      }),
  },
  {
    name: 'POST /assessments: a plan year spanning two years',
    role: 'partnership-admin',
    status: 422,
    field: 'planYear',
    typed: (api, m) =>
      api.POST('/assessments', {
        body: { planYear: '2090-92', publishedOn: '2090-05-01', summary: `Summary ${m}`, findings: [] },
      }),
  },
];

describe('directory writes with bad input', () => {
  it.each(directoryCases)('$name → $status problem naming $field, nothing stored', async (testCase) => {
    const marker = `bad-directory-${Math.random().toString(36).slice(2, 10)}`;
    const token = await staffToken(testCase.role);

    const reply: Reply =
      'typed' in testCase
        ? await testCase.typed(apiClient(token), marker).then(({ response, error }) => ({
            status: response.status,
            headers: response.headers,
            body: error,
          }))
        : await callApi(testCase.raw.path, {
            method: testCase.raw.method,
            headers: { authorization: `Bearer ${token}`, 'if-match': '"1"' },
            json: testCase.raw.body(marker),
          });

    expect(reply.status).toBe(testCase.status);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    const problem = reply.body as Schemas['Problem'];
    expect(problem).toMatchObject({ status: testCase.status });
    expect(problem.errors?.map((e) => e.field)).toContain(testCase.field);
    expect(await tableContents()).not.toContain(marker);
  });
});

describe('a body that is not UTF-8', () => {
  it('is a 400 problem, and nothing is stored', async () => {
    const marker = `bad-utf8-${Math.random().toString(36).slice(2, 10)}`;
    const referenceBefore = await lastReferenceNumber();
    const json = JSON.stringify(anEnquiry({ description: `Caf_ ${marker}` }));
    const bytes = Buffer.from(json, 'utf8');
    // The "_" becomes 0xE9: "é" in Latin-1, a lone lead byte (invalid) in UTF-8.
    bytes[bytes.indexOf('Caf_') + 3] = 0xe9;

    // Bytes that are not UTF-8: no typed body can carry them.
    const { status, body } = await callApi('/enquiries', {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/json' },
    });

    expect(status).toBe(400);
    expect(body).toMatchObject({
      type: 'urn:csp:problem:malformed-request',
      detail: 'The body is not valid UTF-8.',
    });
    expect(await tableContents()).not.toContain(marker);
    expect(await lastReferenceNumber()).toBe(referenceBefore);
  });
});

describe('routing errors', () => {
  it('answers an unknown path with 404 problem+json', async () => {
    // A path the contract does not have, so the typed client cannot name it.
    const { status, headers } = await callApi('/no-such-thing');
    expect(status).toBe(404);
    expect(headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers a method the route does not have with 404, as API Gateway does', async () => {
    // A method the contract does not have on this path, so the typed client cannot send it.
    const response = await fetch(`${cloud().api}/enquiries`, { method: 'DELETE' });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'urn:csp:problem:not-found' });
  });
});
