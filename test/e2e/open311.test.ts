/**
 * Open311 GeoReport v2 end to end on the local cloud, driven as FixMyStreet's client drives it
 * (perllib/Open311.pm): services.xml and a service definition, a form-encoded POST to requests.xml with
 * `attribute[...]` fields and the client's api_key, the XML answer parsed for service_request_id, then
 * `GET requests.xml?service_request_id=` for the status; and the same in JSON. The enquiry is stored, routed and
 * emailed exactly as one from POST /enquiries, and records which client sent it.
 */
import { randomUUID } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_VERSION_CHECK_MS } from '../../functions/adapters/cached-reference-data.ts';
import { type ApiClient, apiClient } from '../support/api-client.ts';
import type { operations } from '../support/api-schema.ts';
import {
  cloud,
  emailsFor,
  eventually,
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
let admin: ApiClient;

beforeAll(async () => {
  admin = apiClient(await staffToken('partnership-admin'));
  const issued = await admin.POST('/open311/clients', { body: { name: 'FixMyStreet (Ashford)' } });
  expect(issued.response.status).toBe(201);
  apiKey = issued.data!.apiKey;
  clientId = issued.data!.id;
});

/**
 * A GeoReport answer as text, whatever its status: openapi-fetch gives an error's text parsed when it is JSON,
 * so a JSON errors document is written back out.
 */
function georeport({ data, error, response }: { data?: string; error?: unknown; response: Response }) {
  const text = data ?? (typeof error === 'string' ? error : JSON.stringify(error));
  return { status: response.status, type: response.headers.get('content-type'), text };
}

/** `discovery`, `services` or `requests`, `.xml` or `.json`, through the typed client. */
const getDocument = async (document: string) =>
  georeport(
    await apiClient().GET('/open311/v2/{document}', { params: { path: { document } }, parseAs: 'text' }),
  );
const getService = async (serviceFile: string) =>
  georeport(
    await apiClient().GET('/open311/v2/services/{serviceFile}', {
      params: { path: { serviceFile } },
      parseAs: 'text',
    }),
  );
const getRequest = async (requestFile: string) =>
  georeport(
    await apiClient().GET('/open311/v2/requests/{requestFile}', {
      params: { path: { requestFile } },
      parseAs: 'text',
    }),
  );
const getToken = async (tokenFile: string) =>
  georeport(
    await apiClient().GET('/open311/v2/tokens/{tokenFile}', {
      params: { path: { tokenFile } },
      parseAs: 'text',
    }),
  );

/** The public feed with its filters, through the typed client. */
const feed = async (
  document: 'requests.xml' | 'requests.json',
  query: NonNullable<operations['open311Document']['parameters']['query']>,
) =>
  georeport(
    await apiClient().GET('/open311/v2/{document}', {
      params: { path: { document }, query },
      parseAs: 'text',
    }),
  );

/**
 * A form-encoded POST, raw: real clients send fields beyond the documented form (FixMyStreet's own
 * attributes), which the typed client would refuse to compile.
 */
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
    const services = await getDocument('services.xml');
    const definition = await getService('domestic-abuse.xml');
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
    expect((await getService('no-such-service.xml')).status).toBe(404);
  });

  it('takes a FixMyStreet report, answers its service_request_id, and shows its status depersonalised', async () => {
    const report = aFixMyStreetReport();
    const created = await post('requests.xml', report);
    expect(created.status).toBe(201);
    expect(XMLValidator.validate(created.text)).toBe(true);
    const [answer] = parser.parse(created.text).service_requests.request as Record<string, string>[];
    const reference = answer?.['service_request_id'] as string;
    expect(reference).toMatch(/^CSU-\d{4}-\d{6}$/);
    expect(answer?.['service_notice']).toContain('Received by the Community Safety Unit');
    await waitForQuiet();

    const listed = await feed('requests.xml', { service_request_id: reference });
    const [request] = parser.parse(listed.text).service_requests.request as Record<string, string>[];
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
      expect(listed.text).not.toContain(secret);
    }
    // Acknowledged (they said email is safe) and routed, as from POST /enquiries.
    expect(emails.some((email) => email.destination.to.includes(report.email!))).toBe(true);
    expect(emails.length).toBeGreaterThan(1);
    const csu = apiClient(await staffToken('csu-officer'));
    const staffView = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    expect(staffView.data?.enquiry.source).toEqual({
      channel: 'open311',
      clientId,
      clientName: 'FixMyStreet (Ashford)',
    });
  });

  it('speaks JSON too: a bare array answer, the feed by id, and errors as an array', async () => {
    const created = await post('requests.json', aFixMyStreetReport({ service_code: 'parking' }));
    const [answer] = JSON.parse(created.text) as {
      service_request_id: string;
      service_notice: string;
      account_id: null;
    }[];
    const reference = answer?.service_request_id ?? '';
    await waitForQuiet();
    // FixMyStreet follows a report's status through the feed, by id.
    const listed = await feed('requests.json', { service_request_id: reference });
    const byFeed = JSON.parse(listed.text) as { service_request_id: string; status: string }[];
    const byId = JSON.parse((await getRequest(`${reference}.json`)).text) as {
      status: string;
      lat?: unknown;
    }[];
    const refused = await post('requests.json', aFixMyStreetReport({ api_key: 'csp311_not-a-key' }));

    expect(created.status).toBe(201);
    expect(created.type).toBe('application/json; charset=utf-8');
    expect(reference).toMatch(/^CSU-\d{4}-\d{6}$/);
    expect(answer?.service_notice).toContain('Received by the Community Safety Unit');
    expect(answer?.account_id).toBeNull();
    expect(listed.status).toBe(200);
    expect(byFeed).toEqual([
      expect.objectContaining({
        service_request_id: reference,
        status: 'open',
        status_notes: 'Passed to the agencies responsible.',
      }),
    ]);
    expect(byId).toHaveLength(1);
    expect(byId[0]?.status).toBe('open');
    expect(byId[0]).not.toHaveProperty('lat');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual([
      { code: 403, description: expect.stringContaining('api_key') },
    ]);
  });

  it('drops a category’s requests from every public feed once it is made sensitive', async () => {
    const run = randomUUID().slice(0, 8);
    const code = `stalking-${run}`;
    const category = { params: { path: { code } } };
    const created = await admin.POST('/enquiry-categories', {
      body: {
        code,
        title: `Stalking ${run}`,
        description: 'Being followed.',
        sensitive: false,
        position: 40,
      },
    });
    const read = await apiClient().GET('/enquiry-categories/{code}', category);
    // The API's functions see a directory change within a second.
    await new Promise((resolve) => setTimeout(resolve, DIRECTORY_VERSION_CHECK_MS + 500));
    const submitted = await post('requests.json', aFixMyStreetReport({ service_code: code }));
    const reference = (JSON.parse(submitted.text) as { service_request_id: string }[])[0]?.service_request_id;
    await waitForQuiet();
    const listedBefore = await feed('requests.json', { service_code: code });

    const changed = await admin.PATCH('/enquiry-categories/{code}', {
      params: { ...category.params, header: { 'If-Match': read.response.headers.get('etag')! } },
      body: { sensitive: true },
    });
    const byIdAfter = await eventually(async () => {
      const answer = await getRequest(`${reference}.xml`);
      return answer.status === 404 ? answer : undefined;
    }, 'the request to leave the public feed');
    const byIdsAfter = await feed('requests.xml', { service_request_id: reference! });
    const byServiceAfter = await feed('requests.json', { service_code: code });
    const windowAfter = await feed('requests.json', {});
    // Off the form again: the other files share this cloud, and some list the partnership's categories.
    const retired = await admin.PATCH('/enquiry-categories/{code}', {
      params: { ...category.params, header: { 'If-Match': changed.response.headers.get('etag')! } },
      body: { retired: true },
    });

    expect([created.response.status, submitted.status, changed.response.status]).toEqual([201, 201, 200]);
    expect(retired.response.status).toBe(200);
    expect(JSON.parse(listedBefore.text)).toEqual([
      expect.objectContaining({ service_request_id: reference }),
    ]);
    expect(byIdAfter.status).toBe(404);
    expect(parser.parse(byIdAfter.text).errors.error[0].code).toBe('404');
    expect(byIdsAfter.status).toBe(200);
    expect(byIdsAfter.text).not.toContain(reference);
    expect(JSON.parse(byServiceAfter.text)).toEqual([]);
    expect(windowAfter.status).toBe(200);
    expect(windowAfter.text).not.toContain(reference);
    expect(windowAfter.text).not.toContain(code);
  });

  it('never lists a sensitive enquiry, even asked for by id', async () => {
    const created = await post('requests.xml', aFixMyStreetReport({ service_code: 'domestic-abuse' }));
    const reference = parser.parse(created.text).service_requests.request[0].service_request_id as string;

    const byId = await getRequest(`${reference}.xml`);
    const listed = await feed('requests.xml', { service_request_id: reference });

    expect(created.status).toBe(201);
    expect(byId.status).toBe(404);
    expect(parser.parse(byId.text).errors.error[0].code).toBe('404');
    expect(listed.text).not.toContain(reference);
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
    const listed = await feed('requests.xml', { service_request_id: reference });
    expect(XMLValidator.validate(listed.text)).toBe(true);
    expect(listed.text).not.toContain('script');
  });

  it('stops taking a client’s reports once its key is revoked', async () => {
    const issued = await admin.POST('/open311/clients', { body: { name: 'Old council site' } });
    const { id, apiKey: oldKey } = issued.data!;
    const before = await post('requests.xml', aFixMyStreetReport({ api_key: oldKey }));
    const revoked = await admin.POST('/open311/clients/{id}/revoke', { params: { path: { id } } });
    const after = await post('requests.xml', aFixMyStreetReport({ api_key: oldKey }));
    const list = await admin.GET('/open311/clients');

    expect(before.status).toBe(201);
    expect(revoked.response.status).toBe(204);
    expect(after.status).toBe(403);
    const listed = list.data?.clients.find((client) => client.id === id);
    expect(listed?.revokedAt).toBeDefined();
    expect(JSON.stringify(list.data)).not.toContain(oldKey);
  });

  it('answers odd feed queries in the spec’s format without reading everything', async () => {
    const sensitive = await feed('requests.xml', { service_code: 'domestic-abuse' });
    const unknown = await feed('requests.json', { service_code: 'no-such-service,also-not' });
    const wide = await feed('requests.xml', {
      start_date: '2000-01-01T00:00:00Z',
      end_date: '2026-01-01T00:00:00Z',
    });
    const longId = await getRequest(`CSU-2026-${'9'.repeat(3000)}.xml`);
    const unrouted = await getDocument('requests');

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
    const xml = await getDocument('discovery.xml');
    const json = JSON.parse((await getDocument('discovery.json')).text) as {
      endpoints: { url: string; formats: string[] }[];
    };

    expect(parser.parse(xml.text).discovery.endpoints.endpoint.specification).toBe(
      'http://wiki.open311.org/GeoReport_v2',
    );
    expect(json.endpoints[0]?.url).toMatch(/\/open311\/v2$/);
    expect(json.endpoints[0]?.formats).toEqual(['text/xml', 'application/json']);
  });

  it('issues no tokens: every one is a GeoReport 404, in XML or JSON by its extension', async () => {
    const xml = await getToken('5b1d4c6e.xml');
    const json = await getToken('5b1d4c6e.json');
    const bare = await getToken('5b1d4c6e');

    expect(xml.status).toBe(404);
    expect(xml.type).toBe('text/xml; charset=utf-8');
    expect(XMLValidator.validate(xml.text)).toBe(true);
    expect(parser.parse(xml.text).errors.error).toEqual([
      { code: '404', description: expect.stringContaining('service_request_id') },
    ]);
    expect(json.status).toBe(404);
    expect(json.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.text)).toEqual([
      { code: 404, description: expect.stringContaining('service_request_id') },
    ]);
    // Without an extension it is no document at all: a 404, in XML.
    expect(bare.status).toBe(404);
    expect(bare.type).toBe('text/xml; charset=utf-8');
  });
});
