/**
 * Open311 GeoReport v2 end to end on the local cloud, driven as FixMyStreet's client drives it
 * (perllib/Open311.pm): services.xml and a service definition, a form-encoded POST to requests.xml with
 * `attribute[...]` fields and the client's api_key, the XML answer parsed for service_request_id, then
 * `GET requests.xml?service_request_id=` for the status; and the same in JSON. The enquiry is stored, routed and
 * emailed exactly as one from POST /enquiries, and records which client sent it.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  cloud,
  emailsFor,
  staffToken,
  tableContents,
  waitForQuiet,
} from '../support/local-cloud.ts';

/** As FixMyStreet reads XML (XML::Simple with ForceArray on the list elements; root names dropped). */
const parser = new XMLParser({
  isArray: (name) => ['service', 'attribute', 'value', 'request', 'error'].includes(name),
  parseTagValue: false,
});
/** FixMyStreet's endpoint setting ends with a slash; it appends `requests.xml` and so on. */
const endpoint = () => `${cloud().api}/open311/v2/`;

let apiKey: string;
let clientId: string;
let admin: string;

beforeAll(async () => {
  admin = await staffToken('partnership-admin');
  const issued = await callApi<{ id: string; apiKey: string; name: string }>('/open311/clients', {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}` },
    json: { name: 'FixMyStreet (Ashford)' },
  });
  expect(issued.status).toBe(201);
  apiKey = issued.body.apiKey;
  clientId = issued.body.id;
});

async function get(path: string) {
  const response = await fetch(`${endpoint()}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

async function post(path: string, fields: Record<string, string>) {
  const response = await fetch(`${endpoint()}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** A report as FixMyStreet sends it (its UK description format, its own extra attributes included). */
function aFixMyStreetReport(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    api_key: apiKey,
    service_code: 'anti-social-behaviour',
    description:
      'title: Shouting outside the shops\n\ndetail: Groups gathering and shouting most evenings after 10pm.\n\nurl: https://www.fixmystreet.com/report/1\n\nSubmitted via FixMyStreet\n',
    first_name: 'Sam',
    last_name: 'Resident',
    email: `sam.${crypto.randomUUID().slice(0, 8)}@resident.example`,
    lat: '51.146',
    long: '0.875',
    'attribute[happening_now]': 'no',
    'attribute[may_email]': 'yes',
    'attribute[may_phone]': 'no',
    'attribute[postcode]': 'TN23 1PL',
    'attribute[fixmystreet_id]': '1',
    'attribute[closest_address]': '1 High Street, Ashford',
    ...overrides,
  };
}

describe('Open311 GeoReport v2', () => {
  it('lists every category as a service, sensitive ones with the private keyword, and defines their attributes', async () => {
    const services = await get('services.xml');
    const definition = await get('services/domestic-abuse.xml');
    const list = parser.parse(services.text).services.service as Record<string, string>[];
    const attributes = parser.parse(definition.text).service_definition.attributes.attribute as {
      code: string;
      datatype: string;
      values?: { value: { key: string }[] };
    }[];

    expect(services.status).toBe(200);
    expect(services.type).toBe('text/xml; charset=utf-8');
    expect(list.find((s) => s.service_code === 'domestic-abuse')).toMatchObject({
      keywords: 'private',
      metadata: 'true',
      type: 'batch',
    });
    expect(list.find((s) => s.service_code === 'parking')?.keywords).toBe('');
    expect(attributes.find((a) => a.code === 'may_email')).toMatchObject({
      datatype: 'singlevaluelist',
      values: { value: [{ key: 'yes' }, { key: 'no' }] },
    });
    expect((await get('services/no-such-service.xml')).status).toBe(404);
  });

  it('takes a FixMyStreet report, answers its service_request_id, and shows its status depersonalised', async () => {
    const report = aFixMyStreetReport();
    const created = await post('requests.xml', report);
    expect(created.status).toBe(201);
    expect(XMLValidator.validate(created.text)).toBe(true);
    const reference = parser.parse(created.text).service_requests.request[0].service_request_id as string;
    expect(reference).toMatch(/^CSU-\d{4}-\d{6}$/);
    await waitForQuiet();

    const feed = await get(`requests.xml?service_request_id=${reference}`);
    const [request] = parser.parse(feed.text).service_requests.request as Record<string, string>[];
    const emails = await emailsFor(reference);

    expect(request).toMatchObject({
      service_request_id: reference,
      status: 'open',
      status_notes: 'Passed to the agencies responsible.',
      service_code: 'anti-social-behaviour',
      address: 'TN23 1',
    });
    expect(request?.['requested_datetime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Depersonalised: nothing the resident wrote or who they are, no coordinates.
    for (const secret of [report.email, 'Resident', 'Shouting', '51.146', 'TN23 1PL']) {
      expect(feed.text).not.toContain(secret);
    }
    // Acknowledged (they said email is safe) and routed, as from POST /enquiries.
    expect(emails.some((email) => email.destination.to.includes(report.email!))).toBe(true);
    expect(emails.length).toBeGreaterThan(1);
    const csu = await staffToken('csu-officer');
    const staffView = await callApi<{ enquiry: { source?: unknown } }>(`/enquiries/${reference}`, {
      headers: { Authorization: `Bearer ${csu}` },
    });
    expect(staffView.body.enquiry.source).toEqual({
      channel: 'open311',
      clientId,
      clientName: 'FixMyStreet (Ashford)',
    });
  });

  it('speaks JSON too: a bare array answer, the feed by id, and errors as an array', async () => {
    const created = await post('requests.json', aFixMyStreetReport({ service_code: 'parking' }));
    const [answer] = JSON.parse(created.text) as { service_request_id: string; account_id: null }[];
    const feed = JSON.parse((await get(`requests/${answer?.service_request_id}.json`)).text) as {
      status: string;
      lat?: unknown;
    }[];
    const refused = await post('requests.json', aFixMyStreetReport({ api_key: 'csp311_not-a-key' }));

    expect(created.status).toBe(201);
    expect(answer?.account_id).toBeNull();
    expect(feed).toHaveLength(1);
    expect(feed[0]?.status).toBe('open');
    expect(feed[0]).not.toHaveProperty('lat');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual([
      { code: 403, description: expect.stringContaining('api_key') },
    ]);
  });

  it('never lists a sensitive enquiry, even asked for by id', async () => {
    const created = await post('requests.xml', aFixMyStreetReport({ service_code: 'domestic-abuse' }));
    const reference = parser.parse(created.text).service_requests.request[0].service_request_id as string;

    const byId = await get(`requests/${reference}.xml`);
    const feed = await get(`requests.xml?service_request_id=${reference}`);

    expect(created.status).toBe(201);
    expect(byId.status).toBe(404);
    expect(parser.parse(byId.text).errors.error[0].code).toBe('404');
    expect(feed.text).not.toContain(reference);
  });

  it('refuses bad input in the spec’s error format, with the field named, storing nothing', async () => {
    await waitForQuiet();
    const before = await tableContents();
    const noKey = await post('requests.xml', { ...aFixMyStreetReport(), api_key: '' });
    const badService = await post('requests.xml', aFixMyStreetReport({ service_code: 'potholes' }));
    const badAnswer = await post('requests.xml', aFixMyStreetReport({ 'attribute[may_email]': 'perhaps' }));
    const noDescription = await post('requests.xml', aFixMyStreetReport({ description: '' }));

    expect(noKey.status).toBe(403);
    expect(badService.status).toBe(400);
    expect(parser.parse(badService.text).errors.error[0].description).toContain('service_code');
    expect(parser.parse(badAnswer.text).errors.error[0].description).toContain('attribute[may_email]');
    expect(parser.parse(noDescription.text).errors.error[0].description).toContain('description');
    expect(await tableContents()).toBe(before);
  });

  it('keeps the XML well formed whatever the text, and never lets a description reach the feed', async () => {
    const hostile = 'A <script>alert(1)</script> ]]> & "quotes" \u0007 bell';
    const created = await post('requests.xml', aFixMyStreetReport({ description: hostile }));
    // Control characters are refused by the same text rules as POST /enquiries, in the spec's format.
    expect(created.status).toBe(400);
    expect(XMLValidator.validate(created.text)).toBe(true);

    const accepted = await post(
      'requests.xml',
      aFixMyStreetReport({ description: hostile.replace('\u0007', '') }),
    );
    const reference = parser.parse(accepted.text).service_requests.request[0].service_request_id as string;
    const feed = await get(`requests.xml?service_request_id=${reference}`);
    expect(XMLValidator.validate(feed.text)).toBe(true);
    expect(feed.text).not.toContain('script');
  });

  it('stops taking a client’s reports once its key is revoked', async () => {
    const issued = await callApi<{ id: string; apiKey: string }>('/open311/clients', {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
      json: { name: 'Old council site' },
    });
    const before = await post('requests.xml', aFixMyStreetReport({ api_key: issued.body.apiKey }));
    const revoked = await callApi(`/open311/clients/${issued.body.id}/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
    });
    const after = await post('requests.xml', aFixMyStreetReport({ api_key: issued.body.apiKey }));
    const list = await callApi<{ clients: { id: string; revokedAt?: string; apiKey?: string }[] }>(
      '/open311/clients',
      { headers: { Authorization: `Bearer ${admin}` } },
    );

    expect(before.status).toBe(201);
    expect(revoked.status).toBe(204);
    expect(after.status).toBe(403);
    const listed = list.body.clients.find((client) => client.id === issued.body.id);
    expect(listed?.revokedAt).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(issued.body.apiKey);
  });

  it('answers odd feed queries in the spec’s format without reading everything', async () => {
    const sensitive = await get('requests.xml?service_code=domestic-abuse');
    const unknown = await get('requests.json?service_code=no-such-service,also-not');
    const wide = await get('requests.xml?start_date=2000-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z');
    const longId = await get(`requests/CSU-2026-${'9'.repeat(3000)}.xml`);
    const unrouted = await get('requests');

    expect(sensitive.status).toBe(200);
    expect(parser.parse(sensitive.text).service_requests).toBe('');
    expect(JSON.parse(unknown.text)).toEqual([]);
    expect(wide.status).toBe(400);
    expect(parser.parse(wide.text).errors.error[0].description).toContain('90 days');
    expect(longId.status).toBe(404);
    expect(unrouted.status).toBe(404);
    expect(unrouted.type).toBe('text/xml; charset=utf-8');
  });

  it('describes itself in discovery.xml and .json', async () => {
    const xml = await get('discovery.xml');
    const json = JSON.parse((await get('discovery.json')).text) as {
      endpoints: { url: string; formats: string[] }[];
    };

    expect(parser.parse(xml.text).discovery.endpoints.endpoint.specification).toBe(
      'http://wiki.open311.org/GeoReport_v2',
    );
    expect(json.endpoints[0]?.url).toMatch(/\/open311\/v2$/);
    expect(json.endpoints[0]?.formats).toEqual(['text/xml', 'application/json']);
  });
});
