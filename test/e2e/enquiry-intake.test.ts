/**
 * End to end on the local cloud: an enquiry goes in over HTTP and exactly the right emails come out of the
 * SES emulator, exactly once.
 */
import { describe, expect, it } from 'vitest';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { apiClient, type Schemas } from '../support/api-client.ts';
import { anEnquiry, cloud, emailsFor, submitEnquiry, waitForQuiet } from '../support/local-cloud.ts';

const agencyEmail = (id: string) => ASHFORD.agencies.find((a) => a.id === id)!.email;
const CSU_MAILBOX = ASHFORD.partnership.csuMailbox;
const SENDER = 'Ashford Community Safety Unit <no-reply@csp.example.org>';

describe('GET /enquiry-categories', () => {
  it("lists Ashford's categories in form order, flagging the sensitive ones", async () => {
    const { data, response } = await apiClient().GET('/enquiry-categories');

    // Other files, sharing this cloud, add categories of their own for a moment (`e-scooters-1a2b3c4d`).
    const createdByATest = /-[0-9a-f]{8}$/;
    const codes = data?.categories.map((c) => c.code).filter((code) => !createdByATest.test(code));

    expect(response.status).toBe(200);
    expect(codes).toEqual(ASHFORD.categories.map((c) => c.code));
    expect(
      data?.categories.filter((c) => c.sensitive && !createdByATest.test(c.code)).map((c) => c.code),
    ).toEqual([
      'domestic-abuse',
      'sexual-offences',
      'hate-crime',
      'modern-slavery-and-exploitation',
      'child-exploitation',
    ]);
  });
});

describe('POST /enquiries', () => {
  it('stores the enquiry, acknowledges the enquirer and refers it to each routed agency exactly once', async () => {
    const enquiry = { ...anEnquiry(), category: 'anti-social-behaviour' } satisfies Schemas['NewEnquiry'];

    const { status, body, headers } = await submitEnquiry(enquiry);
    await waitForQuiet();

    expect(status).toBe(201);
    expect(body.reference).toMatch(/^CSU-\d{4}-\d{6}$/);
    expect(body.status).toBe('received');
    expect(headers.get('location')).toBe(body.statusUrl);
    const emails = await emailsFor(body.reference);
    const recipients = emails.flatMap((e) => e.destination.to).sort();
    expect(recipients).toEqual(
      [
        CSU_MAILBOX,
        agencyEmail('kent-police'),
        agencyEmail('abc-community-safety'),
        agencyEmail('kcc-community-wardens'),
        enquiry.email,
      ].sort(),
    );
    for (const email of emails) {
      expect(email.from).toBe(SENDER);
      expect(email.replyTo).toEqual([CSU_MAILBOX]);
      expect(email.body.text).toBeTruthy();
      expect(email.body.html).toBeTruthy();
    }
  });

  it('acknowledges with the reference, 999, the urgent number and the status link, and no description', async () => {
    const enquiry = { ...anEnquiry(), category: 'domestic-abuse' } satisfies Schemas['NewEnquiry'];

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();

    const [ack] = (await emailsFor(body.reference)).filter((e) => e.destination.to.includes(enquiry.email));
    expect(ack).toBeDefined();
    expect(ack!.body.text).toContain(body.reference);
    expect(ack!.body.text).toContain('call 999');
    expect(ack!.body.text).toContain(ASHFORD.partnership.urgentPhone);
    expect(ack!.body.text).toContain(body.statusUrl);
    expect(ack!.body.text).not.toContain(enquiry.description);
    expect(`${ack!.subject} ${ack!.body.text} ${ack!.body.html}`.toLowerCase()).not.toContain('domestic');
  });

  it('shares contact details with agencies only for the channels the enquirer consented to', async () => {
    const enquiry = {
      ...anEnquiry(),
      category: 'violence',
      safeContact: { mayEmail: false, mayPhone: true },
    } satisfies Schemas['NewEnquiry'];

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();

    const emails = await emailsFor(body.reference);
    expect(emails.map((e) => e.destination.to[0]).sort()).toEqual(
      [CSU_MAILBOX, agencyEmail('kent-police')].sort(),
    );
    const referral = emails.find((e) => e.destination.to.includes(agencyEmail('kent-police')))!;
    expect(referral.subject).toBe(`New enquiry ${body.reference}: Violence`);
    expect(referral.body.text).toContain(enquiry.description);
    expect(referral.body.text).toContain(enquiry.phone);
    expect(referral.body.text).not.toContain(enquiry.email);
    expect(referral.body.text).toContain('TN23 1PL');
  });

  it('escapes HTML in what the enquirer wrote', async () => {
    const enquiry = {
      ...anEnquiry(),
      category: 'parking',
      description: 'Van <b>blocking</b> & "parked" <script>x</script>',
    } satisfies Schemas['NewEnquiry'];

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();

    const referral = (await emailsFor(body.reference)).find((e) =>
      e.destination.to.includes(agencyEmail('abc-parking')),
    )!;
    expect(referral.body.html).toContain(
      'Van &lt;b&gt;blocking&lt;/b&gt; &amp; &quot;parked&quot; &lt;script&gt;',
    );
    expect(referral.body.html).not.toContain('<script>x');
    expect(referral.body.text).toContain(enquiry.description);
  });

  it('marks an enquiry happening now as urgent for agencies', async () => {
    const { body } = await submitEnquiry({
      ...anEnquiry(),
      category: 'fire-safety-and-arson',
      happeningNow: true,
    });
    await waitForQuiet();

    const subjects = (await emailsFor(body.reference)).map((e) => e.subject);
    expect(subjects).toContain(
      `URGENT (happening now): New enquiry ${body.reference}: Fire safety and arson`,
    );
  });

  it('sends no acknowledgement when the enquirer did not say email is safe', async () => {
    const enquiry = {
      ...anEnquiry(),
      category: 'neighbour-disputes',
      safeContact: { mayEmail: false, mayPhone: false },
    } satisfies Schemas['NewEnquiry'];

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();

    const recipients = (await emailsFor(body.reference)).flatMap((e) => e.destination.to);
    expect(recipients.sort()).toEqual([CSU_MAILBOX, agencyEmail('ashford-mediation')].sort());
  });

  it('accepts an anonymous enquiry and still refers it', async () => {
    const { status, body } = await submitEnquiry({
      category: 'general-community-safety',
      description: 'Broken street light',
    });
    await waitForQuiet();

    expect(status).toBe(201);
    expect((await emailsFor(body.reference)).flatMap((e) => e.destination.to)).toEqual([CSU_MAILBOX]);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first response and creates nothing new', async () => {
    const enquiry = { ...anEnquiry(), category: 'young-people' } satisfies Schemas['NewEnquiry'];
    const key = `retry-${enquiry.name.slice(-8)}`;

    const first = await submitEnquiry(enquiry, { 'Idempotency-Key': key });
    const retry = await submitEnquiry(enquiry, { 'Idempotency-Key': key });
    await waitForQuiet();

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const emails = await emailsFor(first.body.reference);
    expect(emails).toHaveLength(4); // CSU, youth services, wardens, acknowledgement
    expect(new Set(emails.map((e) => e.destination.to[0])).size).toBe(4);
  });

  it('creates one enquiry when retries with the same key race each other', async () => {
    const enquiry = { ...anEnquiry(), category: 'licensed-premises' } satisfies Schemas['NewEnquiry'];
    const key = `race-${enquiry.name.slice(-8)}`;

    const responses = await Promise.all(
      Array.from({ length: 8 }, () => submitEnquiry(enquiry, { 'Idempotency-Key': key })),
    );
    await waitForQuiet();

    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const references = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.reference));
    expect(references.size).toBe(1);
    const [reference] = references;
    const recipients = (await emailsFor(reference!)).map((e) => e.destination.to[0]);
    expect(recipients).toHaveLength(5); // CSU, licensing, police, street pastors, acknowledgement
    expect(new Set(recipients).size).toBe(5);
  });

  it('rejects the same key with a different body', async () => {
    const enquiry = anEnquiry();
    const key = `reuse-${enquiry.name.slice(-8)}`;
    await submitEnquiry(enquiry, { 'Idempotency-Key': key });

    const reused = await submitEnquiry(
      { ...enquiry, description: 'Something else entirely' },
      { 'Idempotency-Key': key },
    );

    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body).toMatchObject({ type: 'urn:csp:problem:idempotency-key-reused', status: 422 });
  });
});

describe('GET /enquiries/{reference}/status', () => {
  it('shows the status, and nothing of the content, to the holder of the link', async () => {
    const enquiry = { ...anEnquiry(), category: 'drugs-and-alcohol' } satisfies Schemas['NewEnquiry'];
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();

    // The link is the status path with its token: followed here through the typed client.
    const link = new URL(body.statusUrl);
    expect(`${link.origin}${link.pathname}`).toBe(`${cloud().api}/enquiries/${body.reference}/status`);
    const { data: view, response } = await apiClient().GET('/enquiries/{reference}/status', {
      params: { path: { reference: body.reference }, query: { token: link.searchParams.get('token')! } },
    });

    expect(response.status).toBe(200);
    expect(view).toMatchObject({ reference: body.reference, status: 'routed' });
    expect(JSON.stringify(view)).not.toContain(enquiry.description);
    expect(Object.keys(view ?? {}).sort()).toEqual([
      'publicUpdates',
      'receivedAt',
      'reference',
      'status',
      'statusDescription',
      'updatedAt',
    ]);
  });

  it('answers a wrong token exactly like an unknown reference: 404', async () => {
    const { body } = await submitEnquiry(anEnquiry());

    const status = (reference: string) =>
      apiClient().GET('/enquiries/{reference}/status', {
        params: { path: { reference }, query: { token: 'not-the-token' } },
      });
    const wrongToken = await status(body.reference);
    const unknown = await status('CSU-1999-000001');

    expect(wrongToken.response.status).toBe(404);
    expect(unknown.response.status).toBe(404);
    expect(wrongToken.error).toEqual({ ...unknown.error, instance: wrongToken.error?.instance });
  });
});

describe('the API surface', () => {
  it("allows the council website's origin by CORS, and no other", async () => {
    // A CORS preflight (OPTIONS) is the browser's, not an operation of the contract.
    const preflight = (origin: string) =>
      fetch(`${cloud().api}/enquiries`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,idempotency-key',
        },
      });

    const allowed = await preflight('http://localhost:8080');
    const other = await preflight('https://evil.example');

    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
