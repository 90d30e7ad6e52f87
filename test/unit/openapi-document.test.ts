/**
 * The OpenAPI document as the `docs` function serves it: exactly the routes of `ROUTES`, each complete
 * (operationId, tag, explicit security, the statuses its shape can answer, an example for every body), valid
 * examples, servers from the stage's URL, the contact from the partnership record, a licence and a semver
 * version with its CHANGELOG entry; and the reference page that renders it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createDocsApp } from '../../functions/api/docs-app.ts';
import { API_VERSION, TAGS, tagOf } from '../../functions/api/openapi-document.ts';
import { functionOf, isStaffRoute, LOCAL_API_URL, ROUTE_LIST } from '../../functions/topology.ts';
import { invalidExamples, missingExamples } from '../../local/contract.ts';
import { smallPartnershipReferenceData } from '../support/in-memory-ports.ts';

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  tags: string[];
  security: unknown[];
  description: string;
  responses: Record<string, Json>;
};

const logger = new Logger({ logLevel: 'SILENT' });
const referenceData = smallPartnershipReferenceData();
const docsApp = (publicApiUrl = 'https://api.csp.ashford.gov.example') =>
  createDocsApp({ referenceData, publicApiUrl, logger });
const app = docsApp();
const document = (await (await app.request('/openapi.json')).json()) as Json & {
  info: Json;
  servers: Json[];
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string }[];
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
);
const operationOf = (name: string) => operations.find(({ operation }) => operation.operationId === name)!;
/** The routes the api function serves: the document describes those, not its own two. */
const apiRoutes = ROUTE_LIST.filter((route) => functionOf(route) === 'api');

describe('the OpenAPI document', () => {
  it('lists exactly the api function’s routes, each named by its ROUTES key, with explicit security', () => {
    expect(
      operations.map(({ method, path, operation }) => `${method} ${path} ${operation.operationId}`).sort(),
    ).toEqual(apiRoutes.map((route) => `${route.method} ${route.path} ${route.name}`).sort());
    for (const route of apiRoutes) {
      expect(operationOf(route.name).operation.security).toEqual(
        isStaffRoute(route) ? [{ staffToken: [] }] : [],
      );
    }
  });

  it('tags every operation with its resource, each tag declared and described', () => {
    const declared = new Set(document.tags.map((tag) => tag.name));
    for (const { operation } of operations) {
      expect(operation.tags).toHaveLength(1);
      expect(declared.has(operation.tags[0]!)).toBe(true);
    }
    expect(operationOf('listCases').operation.tags).toEqual(['Cases']);
    expect(operationOf('submitEnquiry').operation.tags).toEqual(['Enquiries']);
    expect(operationOf('eraseEnquiry').operation.tags).toEqual(['Data protection']);
    expect(operationOf('castVote').operation.tags).toEqual(['Motions and votes']);
    // Every declared tag is used: none is left describing nothing.
    expect(new Set(operations.map(({ operation }) => operation.tags[0]))).toEqual(declared);
  });

  it('refuses a path no tag covers, so a new resource cannot slip in untagged', () => {
    expect(() => tagOf({ method: 'GET', path: '/parking-permits', access: 'public' })).toThrow(
      /TAG_BY_SEGMENT/,
    );
    expect(TAGS.map((tag) => tag.name)).toContain(
      tagOf({ method: 'GET', path: '/agencies', access: 'public' }),
    );
  });

  it('documents what every operation of a kind can answer', () => {
    for (const route of apiRoutes) {
      const { responses, description } = operationOf(route.name).operation;
      const statuses = Object.keys(responses);
      expect(statuses, route.name).toContain('429');
      expect(
        statuses.some((status) => /^2\d\d$/.test(status)),
        route.name,
      ).toBe(true);
      expect(
        statuses.some((status) => /^4\d\d$/.test(status)),
        route.name,
      ).toBe(true);
      if (isStaffRoute(route)) {
        expect(statuses, route.name).toEqual(expect.arrayContaining(['401', '403']));
        expect(description, route.name).toContain(`\`${(route.access as string[])[0]}\``);
      } else {
        expect(statuses, route.name).not.toContain('401');
        expect(description, route.name).toContain('Public');
      }
    }
    // If-Match: stale (412) and missing (428); a write's body: malformed, too large, not JSON.
    expect(Object.keys(operationOf('updateAgency').operation.responses)).toEqual(
      expect.arrayContaining(['400', '412', '413', '415', '422', '428', '503']),
    );
    // An Idempotency-Key still in progress is a 409.
    expect(Object.keys(operationOf('submitEnquiry').operation.responses)).toContain('409');
    // A read without parameters validates nothing and cannot be a 422.
    expect(Object.keys(operationOf('listCategories').operation.responses)).not.toContain('422');
  });

  it('answers problems with one shared Problem schema, and says when to retry', () => {
    const { responses } = operationOf('updateAgency').operation;
    const problem = (status: string) =>
      (responses[status]!.content as Record<string, Json>)['application/problem+json']!;
    for (const status of ['401', '412', '422', '428', '503']) {
      expect(problem(status).schema).toEqual({ $ref: '#/components/schemas/Problem' });
      expect((problem(status).example as Json).status).toBe(Number(status));
    }
    expect((problem('422').example as Json).errors).toEqual([
      expect.objectContaining({ field: expect.any(String) }),
    ]);
    expect(Object.keys(responses['503']!.headers as Json)).toEqual(['Retry-After']);
    expect(Object.keys(responses['429']!.headers as Json)).toEqual(['Retry-After']);
    const schemas = (document.components as { schemas: Record<string, Json> }).schemas;
    expect(Object.keys(schemas.Problem!.properties as Json)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']),
    );
  });

  it('declares the ETag a client sends back, and the Location of what was made', () => {
    const headersOf = (name: string, status: string) =>
      Object.keys((operationOf(name).operation.responses[status]!.headers ?? {}) as Json);

    // Every change made with If-Match answers the new ETag; the reads of versioned records give one.
    for (const { operation } of operations) {
      const parameters = (operation as unknown as { parameters?: Json[] }).parameters ?? [];
      const conditional = parameters.some((parameter) => parameter.name === 'If-Match');
      if (!conditional || operation.operationId === 'eraseEnquiry') continue;
      const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      for (const status of success)
        expect(headersOf(operation.operationId, status), operation.operationId).toContain('ETag');
    }
    expect(headersOf('getCase', '200')).toEqual(['ETag']);
    expect(headersOf('createAgency', '201')).toEqual(['ETag', 'Location']);
    expect(headersOf('submitEnquiry', '201')).toEqual(['Location', 'Idempotent-Replayed']);
    expect(headersOf('submitEnquiry', '409')).toEqual(['Retry-After']);
    // An erasure's receipt has no version to send back.
    expect(headersOf('eraseEnquiry', '200')).toEqual([]);
  });

  it('answers GeoReport errors in GeoReport’s own format, with its path parameters declared', () => {
    const { responses } = operationOf('open311Service').operation as Operation & { parameters?: Json[] };
    expect(Object.keys(responses['404']!.content as Json)).toEqual(['text/xml', 'application/json']);
    expect((operationOf('open311Service').operation as unknown as { parameters: Json[] }).parameters).toEqual(
      [expect.objectContaining({ name: 'serviceFile', in: 'path', required: true })],
    );
  });

  it('gives every body an example, and every example validates against its schema', () => {
    expect(missingExamples(document)).toEqual([]);
    expect(invalidExamples(document)).toEqual([]);
    // Examples are the schemas' own where they have them.
    const accepted = operationOf('submitEnquiry').operation.responses['201']!.content as Record<string, Json>;
    expect(JSON.stringify(accepted['application/json']!.example)).toContain('CSU-2026-000123');
  });

  it('lists the stage’s public URL, then the local cloud’s, once when they are the same', async () => {
    expect(document.servers.map((server) => server.url)).toEqual([
      'https://api.csp.ashford.gov.example',
      LOCAL_API_URL,
    ]);
    const local = (await (await docsApp(LOCAL_API_URL).request('/openapi.json')).json()) as {
      servers: Json[];
    };
    expect(local.servers.map((server) => server.url)).toEqual([LOCAL_API_URL]);
  });

  it('names the partnership’s CSU as contact and its licence, from its record as it stands', async () => {
    expect(document.info.contact).toEqual({
      name: referenceData.partnership.csuName,
      email: referenceData.partnership.csuMailbox,
    });
    expect(document.info.license).toEqual({ name: 'Open Government Licence v3.0', identifier: 'OGL-UK-3.0' });

    const changing = smallPartnershipReferenceData();
    const docs = createDocsApp({ referenceData: changing, publicApiUrl: LOCAL_API_URL, logger });
    await docs.request('/openapi.json');
    Object.assign(changing.partnership, {
      csuMailbox: 'csu@new.example',
      licence: { name: 'Creative Commons Attribution 4.0', identifier: 'CC-BY-4.0' },
    });
    const changed = (await (await docs.request('/openapi.json')).json()) as {
      info: { contact: Json; license: Json };
    };
    expect(changed.info.contact.email).toBe('csu@new.example');
    expect(changed.info.license).toEqual({
      name: 'Creative Commons Attribution 4.0',
      identifier: 'CC-BY-4.0',
    });
  });

  it('is still served, without a contact, when the partnership record cannot be read', async () => {
    const docs = createDocsApp({
      referenceData: { getPartnership: () => Promise.reject(new Error('table unavailable')) },
      publicApiUrl: LOCAL_API_URL,
      logger,
    });
    const response = await docs.request('/openapi.json');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { info: Json }).info).not.toHaveProperty('contact');
  });

  it('has a semver version with its entry in CHANGELOG.md', () => {
    expect(document.info.version).toBe(API_VERSION);
    expect(API_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const changelog = readFileSync(path.resolve(import.meta.dirname, '../../CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${API_VERSION.replaceAll('.', '\\.')} `, 'm'));
  });

  it('has no reference that does not resolve inside the document', async () => {
    const text = await (await app.request('/openapi.json')).text();
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    const schemas = (document.components as { schemas: Json }).schemas;
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas).toHaveProperty(ref.split('/').pop()!);
    }
    expect(text).not.toContain('$defs');
  });

  it('may be cached a few minutes, as a published document', async () => {
    expect((await app.request('/openapi.json')).headers.get('cache-control')).toBe('public, max-age=300');
  });
});

describe('the reference page', () => {
  it('shows every operation with its examples and errors, loading its own style and nothing else', async () => {
    const page = await app.request('/docs');
    const html = await page.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');

    expect(page.headers.get('content-security-policy')).toContain(`style-src 'sha256-${hash}'`);
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script/i);
    for (const route of apiRoutes) expect(html).toContain(`id="${route.name}"`);
    // The document's Markdown (a list, bold, code) reads as such.
    expect(html).toContain('<li><strong>Staff routes</strong> need a staff ID token (<code>Authorization');
    const submit = html.slice(html.indexOf('id="submitEnquiry"'), html.indexOf('id="enquiryStatus"'));
    expect(submit).toContain('CSU-2026-000123');
    expect(submit).toContain('urn:csp:problem:validation-failed');
    expect(submit).toContain('Idempotency-Key');
    // GeoReport's XML is shown as XML, beside its JSON.
    const services = html.slice(html.indexOf('id="open311Service"'));
    expect(services).toContain('Example 200 (text/xml)');
    expect(services).toContain('&lt;service_definition&gt;');
    expect(services).toContain('Example 200 (application/json)');
  });
});
