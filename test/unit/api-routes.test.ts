/**
 * Every route of the API, as the app serves and documents it, against `ROUTES`: each is served, each staff
 * route refuses a missing token (401) and every role it does not name (403) and lets its roles through, each
 * public route needs no token (the OpenAPI document's own tests: openapi-document.test.ts). Runs the real app
 * on in-memory ports, with a token verifier that reads the role from the token.
 */

import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../functions/api/app.ts';
import { ROUTER_ACTOR, routeCase } from '../../functions/domain/casework.ts';
import { NotAuthenticated } from '../../functions/domain/errors.ts';
import { issueOpen311Client } from '../../functions/domain/open311-clients.ts';
import { STAFF_ROLES, type StaffRole, type StaffTokenVerifier } from '../../functions/domain/staff.ts';
import {
  functionOf,
  isStaffRoute,
  ROUTE_LIST,
  type RouteName,
  type RouteSpec,
} from '../../functions/topology.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';
import { aSeededPartnership, InMemoryDirectory } from '../support/in-memory-governance.ts';
import {
  aClock,
  InMemoryAuditTrail,
  InMemoryCases,
  InMemoryEnquiries,
  InMemoryOpen311Clients,
  InMemoryStatisticsStore,
  RecordingPublisher,
  smallPartnershipReferenceData,
  testHasher,
} from '../support/in-memory-ports.ts';

/**
 * Accepts `role:<role>` as a token of that role, for organisation `kent-police`; an agency officer works for
 * `parking-team`, or for the agency named after `@` (`role:agency-officer@other-agency`).
 */
const rolesFromToken: StaffTokenVerifier = {
  async verify(token) {
    const [, role, agency] = /^role:([a-z-]+)(?:@([a-z-]+))?$/.exec(token) ?? [];
    if (!role || !STAFF_ROLES.includes(role as StaffRole)) throw new NotAuthenticated('not a test token');
    return {
      subject: `user-${role}`,
      roles: [role as StaffRole],
      organisationId: 'kent-police',
      ...(role === 'agency-officer' ? { agencyId: agency ?? 'parking-team' } : {}),
    };
  },
};

async function anApi() {
  const clock = aClock();
  const { governance, records } = await aSeededPartnership(clock());
  const referenceData = smallPartnershipReferenceData();
  // A second agency, for the CSU to refer cases on to.
  referenceData.agencies.push({ id: 'wardens', name: 'Community wardens', email: 'wardens@ashford.example' });

  const enquiries = new InMemoryEnquiries();
  const cases = new InMemoryCases(enquiries);
  const open311Clients = new InMemoryOpen311Clients();
  const { apiKey: open311Key } = await issueOpen311Client({ clients: open311Clients, clock }, 'Fuzzer');
  const app = createApi({
    enquiries,
    cases,
    audit: new InMemoryAuditTrail(cases),
    statistics: new InMemoryStatisticsStore(),
    open311Clients,
    referenceData,
    cachedReferenceData: referenceData,
    governance,
    directory: new InMemoryDirectory(governance, referenceData),
    records,
    staffTokens: rolesFromToken,
    personalData: testHasher,
    events: new RecordingPublisher(),
    clock,
    logger: new Logger({ logLevel: 'SILENT' }),
    publicApiUrl: 'https://api.example',
    statusPageBaseUrl: 'https://www.example/report',
    allowedOrigins: ['https://www.example'],
  });
  return { app, enquiries, open311Key };
}

const { app, enquiries, open311Key } = await anApi();
const SAMPLE_PARAMS: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000000',
  reference: 'CSU-2026-000001',
  category: 'parking',
  planYear: '2026-27',
  document: 'requests.xml',
  serviceFile: 'parking.xml',
  requestFile: 'CSU-2026-000001.xml',
  tokenFile: 'a-token.xml',
};

/** GeoReport routes answer errors in the spec's XML, not as problem documents. */
const isOpen311 = (route: RouteSpec) => route.path.startsWith('/open311/v2/');

/** A request to `route`, with sample path parameters and, for writes, an empty JSON object. */
function call(route: RouteSpec, token?: string) {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');
  const write = route.method !== 'GET';
  return app.request(path, {
    method: route.method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(write ? { 'Content-Type': 'application/json' } : {}),
    },
    body: write ? '{}' : undefined,
  });
}

/** The api function's routes (the `docs` function serves the API's documentation: openapi-document.test.ts). */
const apiFunctionRoutes = ROUTE_LIST.filter((route) => functionOf(route) === 'api');
const staffRoutes = apiFunctionRoutes.filter(isStaffRoute);
const publicRoutes = apiFunctionRoutes.filter((route) => !isStaffRoute(route));
const label = (route: RouteSpec) => `${route.method} ${route.path}`;

describe('staff routes', () => {
  it.each(staffRoutes.map((route) => [label(route), route] as const))(
    '%s answers 401 without a token and 403 to every other role, and lets its own roles through',
    async (_label, route) => {
      const roles = route.access as readonly StaffRole[];
      const anonymous = await call(route);
      const invalid = await call(route, 'forged');
      const others = await Promise.all(
        STAFF_ROLES.filter((role) => !roles.includes(role)).map(
          async (role) => (await call(route, `role:${role}`)).status,
        ),
      );
      const own = await Promise.all(roles.map(async (role) => (await call(route, `role:${role}`)).status));

      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(invalid.status).toBe(401);
      expect(others.every((status) => status === 403)).toBe(true);
      expect(others.length + own.length).toBe(STAFF_ROLES.length);
      for (const status of own) expect([401, 403, 500]).not.toContain(status);
    },
  );
});

describe('public routes', () => {
  it.each(publicRoutes.map((route) => [label(route), route] as const))(
    '%s is served without a token, and never as a 5xx',
    async (_label, route) => {
      const response = await call(route);

      expect(response.status).toBeLessThan(500);
      if (isOpen311(route)) {
        // A GeoReport submission without an api_key is refused in the spec's own format (a 403 there is about
        // the client's key, not a staff token); every answer is a GeoReport document, never the not-found problem.
        expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
        return;
      }
      expect([401, 403]).not.toContain(response.status);
      // Served by its route: an unknown route would be the generic not-found problem for the path.
      if (response.status === 404) {
        expect(((await response.json()) as { detail: string }).detail).not.toBe('No such resource.');
      }
    },
  );
});

describe('casework scope', () => {
  /** A fresh case referred to the parking team alone, at version 2. */
  function aRoutedCase(): string {
    const reference = `CSU-2026-${String(enquiries.enquiries.size + 100).padStart(6, '0')}`;
    const received = aStoredEnquiry({ reference, receivedAt: '2026-11-26T10:00:00.000Z' });
    const { after } = routeCase(
      received,
      [
        { id: 'csu', name: 'CSU', email: 'csu@ashford.example' },
        { id: 'parking-team', name: 'Parking team', email: 'parking@ashford.example' },
      ],
      { acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 },
      { now: new Date('2026-11-26T10:01:00Z'), actor: ROUTER_ACTOR, newId: randomUUID },
      'csu',
    );
    enquiries.enquiries.set(reference, after);
    return reference;
  }

  /** A valid request to each casework route of one case. */
  const CASE_REQUESTS: Partial<Record<RouteName, { agencyId?: string; body?: unknown }>> = {
    getCase: {},
    acceptReferral: { agencyId: 'parking-team' },
    declineReferral: { agencyId: 'parking-team', body: { reason: 'not-ours' } },
    referCase: { body: { agencyId: 'wardens' } },
    assignCase: { body: {} },
    addCaseNote: { body: { text: 'Called the enquirer back.' } },
    publishCaseUpdate: { body: { message: 'We are looking into it.' } },
    transitionCase: { body: { to: 'in-progress' } },
    eraseEnquiry: { body: { reason: 'The enquirer asked us to erase it' } },
  };
  const caseRoutes = ROUTE_LIST.filter(
    (route) => route.path.startsWith('/enquiries/{reference}') && isStaffRoute(route),
  );

  it('has a request for every casework route of a case', () => {
    expect(caseRoutes.map((route) => route.name).sort()).toEqual(Object.keys(CASE_REQUESTS).sort());
  });

  it.each(caseRoutes.map((route) => [label(route), route] as const))(
    '%s answers another agency’s officer 404, and the case’s own agency as its role allows',
    async (_label, route) => {
      const request = CASE_REQUESTS[route.name]!;
      const send = (token: string) => {
        const reference = aRoutedCase();
        const path = route.path
          .replace('{reference}', reference)
          .replace('{agencyId}', request.agencyId ?? '');
        return app.request(path, {
          method: route.method,
          headers: {
            Authorization: `Bearer ${token}`,
            'If-Match': '"2"',
            ...(request.body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: request.body ? JSON.stringify(request.body) : undefined,
        });
      };
      const allowed = (route.access as readonly StaffRole[]).includes('agency-officer');

      const wrongAgency = await send('role:agency-officer@other-agency');
      const ownAgency = await send('role:agency-officer');
      const csu = await send('role:csu-officer');

      expect(wrongAgency.status).toBe(allowed ? 404 : 403);
      if (allowed) expect(ownAgency.status).toBeLessThan(300);
      else expect(ownAgency.status).toBe(403);
      expect(csu.status).toBeLessThan(300);
    },
  );

  it('lists a case only in the inbox of an agency it was referred to', async () => {
    const reference = aRoutedCase();
    const listed = async (token: string, query = '') => {
      const response = await app.request(`/enquiries?limit=100${query}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { reference: string }[] }).items.map((i) => i.reference);
    };

    expect(await listed('role:agency-officer')).toContain(reference);
    expect(await listed('role:agency-officer@other-agency')).not.toContain(reference);
    expect(await listed('role:agency-officer@other-agency', '&agency=parking-team')).toEqual([]);
    expect(await listed('role:csu-officer', '&agency=parking-team')).toContain(reference);
  });
});

describe('fuzzed bodies', () => {
  /** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
  function random(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const KEYS = [
    'category',
    'description',
    'email',
    'name',
    'titles',
    'choice',
    'text',
    'agencyIds',
    'note',
    'kind',
    'date',
    'title',
    'quorum',
    'location',
    'safeContact',
    'organisationId',
    'reason',
    'priority',
    '__proto__',
  ];
  function aValue(next: () => number, depth = 0): unknown {
    const pick = Math.floor(next() * (depth > 2 ? 6 : 9));
    const strings = [
      '',
      'parking',
      'a'.repeat(5000),
      '\ud800',
      'line\r\nbreak',
      '2026-02-30',
      '<script>',
      '0',
      'for',
    ];
    switch (pick) {
      case 0:
        return null;
      case 1:
        return next() < 0.5;
      case 2:
        return Math.floor(next() * 2e9) - 1e9;
      case 3:
        return next() * 1e308;
      case 4:
      case 5:
        return strings[Math.floor(next() * strings.length)];
      case 6:
        return Array.from({ length: Math.floor(next() * 4) }, () => aValue(next, depth + 1));
      default:
        return Object.fromEntries(
          Array.from({ length: Math.floor(next() * 5) }, () => [
            KEYS[Math.floor(next() * KEYS.length)]!,
            aValue(next, depth + 1),
          ]),
        );
    }
  }

  it('answer 3,000 random bodies on every write route with a 2xx or a 4xx problem, never a 5xx', async () => {
    const writes = ROUTE_LIST.filter((route) => route.method !== 'GET');
    const next = random(20261126);
    const statuses = new Map<number, number>();

    for (let i = 0; i < 3000; i++) {
      const route = writes[i % writes.length]!;
      const role = isStaffRoute(route) ? (route.access as readonly StaffRole[])[0] : undefined;
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x');
      const response = await app.request(path, {
        method: route.method,
        headers: {
          'Content-Type': 'application/json',
          ...(role ? { Authorization: `Bearer role:${role}` } : {}),
        },
        body: JSON.stringify(aValue(next)),
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 400) {
        expect(response.headers.get('content-type'), `${route.method} ${route.path}`).toBe(
          isOpen311(route) ? 'text/xml; charset=utf-8' : 'application/problem+json',
        );
      }
      expect(response.status, `${route.method} ${route.path}`).toBeLessThan(500);
    }

    expect([...statuses.keys()].some((status) => status === 422)).toBe(true);
  });
});

describe('fuzzed GeoReport forms', () => {
  const FIELDS = [
    'api_key',
    'service_code',
    'description',
    'first_name',
    'last_name',
    'email',
    'phone',
    'lat',
    'long',
    'address_string',
    'jurisdiction_id',
    'attribute[happening_now]',
    'attribute[may_email]',
    'attribute[postcode]',
    'attribute[safe_times]',
    'attribute[unknown]',
    'media_url',
  ];
  const VALUES = [
    '',
    'parking',
    'yes',
    'no',
    'maybe',
    '51.146',
    '-0.875',
    '1e309',
    'NaN',
    'TN23 1PL',
    'sam@example.com',
    'a'.repeat(5000),
    '<script>alert(1)</script>]]>',
    '\u0000\u0007\ud800',
    '%ZZ',
    'line\r\nbreak',
    'ashford',
  ];

  it('answer 3,000 random forms to requests.xml and .json with a well-formed GeoReport document, never a 5xx', async () => {
    let seed = 311;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const statuses = new Map<number, number>();

    for (let i = 0; i < 3000; i++) {
      // A third start from a valid report, so the noise lands on forms that would otherwise be stored.
      const form = new URLSearchParams(
        next() < 0.33 ? { service_code: 'parking', description: 'Van on the pavement' } : {},
      );
      if (next() < 0.7) form.set('api_key', open311Key);
      const count = Math.floor(next() * 10);
      for (let f = 0; f < count; f++) {
        form.append(FIELDS[Math.floor(next() * FIELDS.length)]!, VALUES[Math.floor(next() * VALUES.length)]!);
      }
      const json = next() < 0.3;
      const response = await app.request(`/open311/v2/requests.${json ? 'json' : 'xml'}`, {
        method: 'POST',
        headers: { 'Content-Type': next() < 0.9 ? 'application/x-www-form-urlencoded' : 'text/plain' },
        body: next() < 0.95 ? form.toString() : '%%%&&&==\u0000',
      });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);

      expect(response.status, text).toBeLessThan(500);
      if (json) expect(() => JSON.parse(text)).not.toThrow();
      else expect(XMLValidator.validate(text), text).toBe(true);
    }

    // The fuzz reaches every outcome: stored enquiries, bad fields, refused keys, unknown jurisdictions.
    expect([...statuses.keys()].sort()).toEqual([201, 400, 403, 404]);
  });
});

describe('security headers', () => {
  it.each(ROUTE_LIST.map((route) => [label(route), route] as const))(
    '%s answers with nosniff, HSTS, no framing and a Content-Security-Policy, with or without a token',
    async (_label, route) => {
      for (const token of [undefined, 'role:partnership-admin', 'role:csu-officer']) {
        const response = await call(route, token);

        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8,}/);
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
        expect(response.headers.get('cache-control')).toBeTruthy();
      }
    },
  );

  it('keeps personal data and tokens out of every cache unless a route chose otherwise', async () => {
    const submitted = await app.request('/enquiries', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        category: 'parking',
        description: 'A van on the pavement',
        email: 'sam@x.example',
      }),
    });
    const unknown = await app.request('/no-such-thing');

    expect(submitted.status).toBe(201);
    expect(submitted.headers.get('cache-control')).toBe('no-store');
    expect(unknown.headers.get('cache-control')).toBe('no-store');
  });
});
