/**
 * Open311 GeoReport v2 as pure code: the documents in both formats (hostile text included), categories as
 * services, a form as our enquiry body, the public view of an enquiry, the public feed, and client keys.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { georeportExamples, georeportSampleDocuments } from '../../functions/api/open311/examples.ts';
import { renderOpen311, renderOpen311Errors } from '../../functions/api/open311/format.ts';
import {
  enquiryBodyFromForm,
  formError,
  PRIVATE_KEYWORD,
  SERVICE_ATTRIBUTES,
  serviceDefinitionOf,
  serviceOf,
  serviceRequestOf,
  splitExtension,
  w3cDateTime,
} from '../../functions/api/open311/georeport.ts';
import {
  authenticateOpen311Client,
  hashOpen311Key,
  issueOpen311Client,
  OPEN311_KEY_PREFIX,
  revokeOpen311Client,
} from '../../functions/domain/open311-clients.ts';
import {
  PUBLIC_CLOSURE_NOTES,
  PUBLIC_STATUS_NOTES,
  publicRequestOf,
} from '../../functions/domain/public-requests.ts';
import { listPublicRequests } from '../../functions/domain/use-cases/public-requests.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';
import {
  aClock,
  InMemoryCases,
  InMemoryEnquiries,
  InMemoryOpen311Clients,
  smallPartnershipReferenceData,
} from '../support/in-memory-ports.ts';

const HOSTILE =
  'A <script>alert(1)</script> ]]> & "q" \'a\' \u0000\u0001\u0008\u000b\u000c\u001f \ud800 \uffff end';

describe('GeoReport documents', () => {
  it('are well-formed XML for any text, escaping markup and dropping what XML cannot carry', () => {
    const xml = renderOpen311('xml', {
      root: 'service_requests',
      item: 'request',
      list: [{ service_request_id: 'CSU-2026-000001', status_notes: HOSTILE }],
    });
    const parsed = new XMLParser().parse(xml);

    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(xml).not.toContain('<script>');
    expect(parsed.service_requests.request.status_notes).toBe(
      'A <script>alert(1)</script> ]]> & "q" \'a\'    end',
    );
  });

  it('in JSON drop wrappers of lists, write empty values as null, and keep the text', () => {
    const element = {
      service_code: 'parking',
      empty: '',
      missing: null,
      attributes: { attribute: [{ code: 'a', values: { value: [{ key: 'yes', name: 'Yes' }] } }] },
      formats: { format: ['text/xml', 'application/json'] },
    };

    expect(JSON.parse(renderOpen311('json', { root: 'service_definition', element }))).toEqual({
      service_code: 'parking',
      empty: null,
      missing: null,
      attributes: [{ code: 'a', values: [{ key: 'yes', name: 'Yes' }] }],
      formats: ['text/xml', 'application/json'],
    });
    expect(
      JSON.parse(renderOpen311('json', { root: 'services', item: 'service', list: [{ a: 1 }] })),
    ).toEqual([{ a: 1 }]);
  });

  it('write errors as <errors><error> or a JSON array', () => {
    const errors = [{ code: 400, description: 'service_code must be <given>' }];
    const xml = new XMLParser().parse(renderOpen311Errors('xml', errors));

    expect(xml.errors.error).toEqual({ code: 400, description: 'service_code must be <given>' });
    expect(JSON.parse(renderOpen311Errors('json', errors))).toEqual(errors);
  });

  it.each([
    ['requests.xml', { name: 'requests', format: 'xml' }],
    ['CSU-2026-000001.json', { name: 'CSU-2026-000001', format: 'json' }],
    ['requests.html', undefined],
    ['requests', undefined],
    ['.xml', undefined],
  ])('reads %s as %o', (file, expected) => {
    expect(splitExtension(file)).toEqual(expected);
  });

  it('writes datetimes to the second with Z, as FixMyStreet parses them', () => {
    expect(w3cDateTime('2026-11-26T10:00:00.123Z')).toBe('2026-11-26T10:00:00Z');
  });
});

describe('services', () => {
  const parking = { code: 'parking', title: 'Parking', description: 'Vehicles', sensitive: false };
  const abuse = {
    code: 'domestic-abuse',
    title: 'Domestic abuse',
    description: 'Safe help',
    sensitive: true,
  };

  it('are the categories, sensitive ones marked private (FixMyStreet hides their reports)', () => {
    expect(serviceOf(parking)).toEqual({
      service_code: 'parking',
      service_name: 'Parking',
      description: 'Vehicles',
      metadata: true,
      type: 'batch',
      keywords: '',
      group: 'Community safety',
    });
    expect(serviceOf(abuse)).toMatchObject({ keywords: PRIVATE_KEYWORD, group: 'Safeguarding' });
    expect(PRIVATE_KEYWORD).toBe('private');
  });

  it('define our extra fields as attributes in order, yes/no ones as single-value lists, none required', () => {
    const definition = serviceDefinitionOf(parking) as {
      service_code: string;
      attributes: { attribute: Record<string, unknown>[] };
    };
    const attributes = definition.attributes.attribute;

    expect(definition.service_code).toBe('parking');
    expect(attributes.map((a) => a['code'])).toEqual(SERVICE_ATTRIBUTES.map((a) => a.code));
    expect(attributes.map((a) => a['order'])).toEqual(SERVICE_ATTRIBUTES.map((_, i) => i + 1));
    expect(attributes.every((a) => a['required'] === false && a['variable'] === true)).toBe(true);
    expect(attributes.find((a) => a['code'] === 'may_email')).toMatchObject({
      datatype: 'singlevaluelist',
      values: {
        value: [
          { key: 'yes', name: 'Yes' },
          { key: 'no', name: 'No' },
        ],
      },
    });
    expect(attributes.find((a) => a['code'] === 'safe_times')).toMatchObject({ datatype: 'string' });
  });
});

describe('a submitted form', () => {
  const form = {
    api_key: 'ignored',
    jurisdiction_id: 'ignored',
    service_code: 'parking',
    description: 'Van on the pavement',
    first_name: 'Sam',
    last_name: 'Smith',
    email: 'sam@resident.example',
    phone: '',
    lat: '51.146',
    long: '0.875',
    address_string: '1 High Street',
    'attribute[happening_now]': 'YES',
    'attribute[may_email]': 'yes',
    'attribute[may_phone]': 'no',
    'attribute[safe_times]': 'Mornings',
    'attribute[preferred_language]': 'Polish',
    'attribute[postcode]': 'TN23 1PL',
    'attribute[fixmystreet_id]': '99',
  };

  it('becomes our enquiry body: empty fields absent, names joined, unknown attributes ignored', () => {
    expect(enquiryBodyFromForm(form)).toEqual({
      body: {
        category: 'parking',
        description: 'Van on the pavement',
        name: 'Sam Smith',
        email: 'sam@resident.example',
        location: { postcode: 'TN23 1PL', address: '1 High Street', latitude: 51.146, longitude: 0.875 },
        happeningNow: true,
        safeContact: {
          mayEmail: true,
          mayPhone: false,
          mayLeaveVoicemail: false,
          safeTimes: 'Mornings',
          preferredLanguage: 'Polish',
        },
      },
    });
  });

  it('never assumes consent or urgency when the questions are not answered', () => {
    const result = enquiryBodyFromForm({ service_code: 'parking', description: 'x' });

    expect(result).toEqual({
      body: {
        category: 'parking',
        description: 'x',
        happeningNow: false,
        safeContact: { mayEmail: false, mayPhone: false, mayLeaveVoicemail: false },
      },
    });
  });

  it.each([
    [{ 'attribute[may_email]': 'perhaps' }, 'attribute[may_email] must be yes or no'],
    [{ lat: 'north' }, 'lat must be a decimal number'],
    [{ long: '1e3' }, 'long must be a decimal number'],
  ])('refuses %o naming the field', (overrides, message) => {
    const result = enquiryBodyFromForm({ ...form, ...overrides });

    expect(result).toEqual({ errors: [{ code: 400, description: expect.stringContaining(message) }] });
  });

  it('names our fields as the form calls them in errors', () => {
    expect(formError('location.latitude', 'is out of range')).toEqual({
      code: 400,
      description: 'lat is out of range',
    });
    expect(formError('category', 'is required').description).toBe('service_code is required');
    expect(formError('somethingElse', 'is odd').description).toBe('somethingElse is odd');
  });
});

describe('the public view of an enquiry', () => {
  const routed = aStoredEnquiry({
    reference: 'CSU-2026-000010',
    status: 'routed',
    dueBy: '2026-12-10T17:00:00.000Z',
    location: { postcode: 'TN23 1PL', latitude: 51.1, longitude: 0.8, address: '1 High St' },
    routing: [
      { id: 'csu', name: 'Community Safety Unit', email: 'csu@ashford.example' },
      { id: 'parking-team', name: 'Parking team', email: 'parking@ashford.example' },
    ],
  });

  it('holds the category, progress in fixed words, agencies, dates and the postcode sector only', () => {
    expect(publicRequestOf(routed)).toEqual({
      reference: 'CSU-2026-000010',
      category: 'parking',
      open: true,
      statusNotes: PUBLIC_STATUS_NOTES.routed,
      agencies: ['Community Safety Unit', 'Parking team'],
      requestedAt: routed.receivedAt,
      updatedAt: routed.updatedAt,
      expectedAt: '2026-12-10T17:00:00.000Z',
      postcodeSector: 'TN23 1',
    });
    const text = JSON.stringify(serviceRequestOf(publicRequestOf(routed)!, 'Parking'));
    for (const secret of ['Sam', 'resident.example', 'Van', '51.1', 'High St', 'secret-token', 'TN23 1PL']) {
      expect(text).not.toContain(secret);
    }
  });

  it('says how a closed one ended in fixed words, with no expected date', () => {
    const closed = aStoredEnquiry({
      status: 'closed',
      dueBy: '2026-12-10T17:00:00.000Z',
      closure: { reason: 'duplicate', at: '2026-11-27T10:00:00.000Z' } as never,
    });

    expect(publicRequestOf(closed)).toMatchObject({
      open: false,
      statusNotes: PUBLIC_CLOSURE_NOTES.duplicate,
    });
    expect(publicRequestOf(closed)).not.toHaveProperty('expectedAt');
    expect(publicRequestOf(aStoredEnquiry({ status: 'closed' }))?.statusNotes).toBe(
      PUBLIC_CLOSURE_NOTES.unknown,
    );
  });

  it('keeps an anonymised enquiry’s sector and drops a postcode that is not one', () => {
    expect(publicRequestOf(aStoredEnquiry({ location: { postcode: 'TN23 1' } }))?.postcodeSector).toBe(
      'TN23 1',
    );
    expect(publicRequestOf(aStoredEnquiry({ location: { postcode: 'nowhere' } }))).not.toHaveProperty(
      'postcodeSector',
    );
  });

  it('does not exist for a sensitive category', () => {
    expect(publicRequestOf(aStoredEnquiry({ sensitive: true, category: 'domestic-abuse' }))).toBeUndefined();
  });
});

describe('the public feed', () => {
  function aStore() {
    const enquiries = new InMemoryEnquiries();
    const cases = new InMemoryCases(enquiries);
    const put = (n: number, overrides: Parameters<typeof aStoredEnquiry>[0] = {}) => {
      const enquiry = aStoredEnquiry({
        reference: `CSU-2026-${String(n).padStart(6, '0')}`,
        receivedAt: `2026-11-${String(n).padStart(2, '0')}T10:00:00.000Z`,
        ...overrides,
      });
      enquiries.enquiries.set(enquiry.reference, enquiry);
      return enquiry;
    };
    const referenceData = smallPartnershipReferenceData();
    referenceData.categories.push(
      { code: 'noise', title: 'Noise', description: 'Noise', sensitive: false },
      { code: 'domestic-abuse', title: 'Domestic abuse', description: 'Help', sensitive: true },
    );
    return { deps: { cases, enquiries, referenceData }, put, referenceData };
  }

  it('lists the window’s requests newest first, by category and open or closed, never a sensitive one', async () => {
    const { deps, put } = aStore();
    put(1);
    put(2, { status: 'closed' });
    put(3, { category: 'noise' });
    put(4, { sensitive: true, category: 'domestic-abuse' });
    put(20);
    const window = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-10T00:00:00.000Z' };
    const references = async (query: Parameters<typeof listPublicRequests>[1]) =>
      (await listPublicRequests(deps, query)).map((request) => request.reference.slice(-2));

    expect(await references(window)).toEqual(['03', '02', '01']);
    expect(await references({ ...window, categories: ['parking'] })).toEqual(['02', '01']);
    expect(await references({ ...window, categories: ['noise', 'parking'] })).toEqual(['03', '02', '01']);
    expect(await references({ ...window, open: true })).toEqual(['03', '01']);
    expect(await references({ ...window, open: false })).toEqual(['02']);
    expect(await references({ references: ['CSU-2026-000004', 'CSU-2026-000020', 'nonsense'] })).toEqual([
      '20',
    ]);
  });

  it('drops every request of a category made sensitive, or taken out of the directory, since it came', async () => {
    const { deps, put, referenceData } = aStore();
    put(1);
    put(2, { category: 'noise' });
    put(3, { category: 'fly-tipping' });
    const window = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-10T00:00:00.000Z' };
    const references = async (query: Parameters<typeof listPublicRequests>[1]) =>
      (await listPublicRequests(deps, query)).map((request) => request.reference.slice(-2));
    const before = await references(window);

    const noise = referenceData.categories.find((category) => category.code === 'noise')!;
    referenceData.categories.splice(referenceData.categories.indexOf(noise), 1, {
      ...noise,
      sensitive: true,
    });

    expect(before).toEqual(['02', '01']);
    expect(await references(window)).toEqual(['01']);
    expect(await references({ ...window, categories: ['noise'] })).toEqual([]);
    expect(await references({ references: ['CSU-2026-000002', 'CSU-2026-000003'] })).toEqual([]);
  });
});

describe('Open311 client keys', () => {
  it('are issued once, stored only as a hash, work until revoked, and revoking keeps the first time', async () => {
    const clients = new InMemoryOpen311Clients();
    const clock = aClock();
    const { client, apiKey } = await issueOpen311Client({ clients, clock }, 'FixMyStreet');

    expect(apiKey.startsWith(OPEN311_KEY_PREFIX)).toBe(true);
    expect(apiKey.length).toBeGreaterThan(40);
    expect([...clients.byKeyHash.keys()]).toEqual([hashOpen311Key(apiKey)]);
    expect(JSON.stringify([...clients.byKeyHash.values()])).not.toContain(apiKey);
    expect(await authenticateOpen311Client(clients, apiKey)).toEqual(client);
    expect(await authenticateOpen311Client(clients, `${apiKey}x`)).toBeUndefined();
    expect(await authenticateOpen311Client(clients, apiKey.slice(OPEN311_KEY_PREFIX.length))).toBeUndefined();
    expect(await authenticateOpen311Client(clients, undefined)).toBeUndefined();

    await revokeOpen311Client({ clients, clock }, client.id);
    const firstRevocation = (await clients.list())[0]?.revokedAt;
    clock.advance(60);
    await revokeOpen311Client({ clients, clock }, client.id);

    expect(await authenticateOpen311Client(clients, apiKey)).toBeUndefined();
    expect((await clients.list())[0]?.revokedAt).toBe(firstRevocation);
    await expect(revokeOpen311Client({ clients, clock }, 'no-such-client')).rejects.toThrow('not found');
  });

  it('gives every client its own key', async () => {
    const clients = new InMemoryOpen311Clients();
    const clock = aClock();
    const a = await issueOpen311Client({ clients, clock }, 'A');
    const b = await issueOpen311Client({ clients, clock }, 'B');

    expect(a.apiKey).not.toBe(b.apiKey);
    expect(a.client.id).not.toBe(b.client.id);
    expect((await authenticateOpen311Client(clients, b.apiKey))?.name).toBe('B');
  });
});

describe('the GeoReport examples of the OpenAPI document', () => {
  it('are exactly what the API renders for their samples, in XML and JSON', () => {
    const examples = georeportExamples();
    for (const [name, document] of Object.entries(georeportSampleDocuments())) {
      const example = examples[name as keyof typeof examples];
      expect(example.xml, name).toBe(renderOpen311('xml', document));
      expect(example.json, name).toEqual(JSON.parse(renderOpen311('json', document)));
    }
    expect(Object.keys(examples).sort()).toEqual(Object.keys(georeportSampleDocuments()).sort());
  });
});
