/**
 * The contract check the local gateway runs in test mode (local/contract.ts), against the real document: what
 * it lets through, what it calls a violation, and the coverage it reports.
 */
import { describe, expect, it } from 'vitest';
import { documentedRoutes, documentSettings } from '../../functions/api/docs-app.ts';
import { openApiDocument } from '../../functions/api/openapi-document.ts';
import { LOCAL_API_URL } from '../../functions/topology.ts';
import { ContractChecker } from '../../local/contract.ts';

const document = openApiDocument(documentedRoutes(), documentSettings(LOCAL_API_URL));
const accepted = {
  reference: 'CSU-2026-000123',
  status: 'received',
  receivedAt: '2026-11-26T09:30:00.000Z',
  statusUrl: 'http://localhost:3000/enquiries/CSU-2026-000123/status?token=abc',
  acknowledgement: 'requested',
};
const json = (body: unknown, status = 201, contentType = 'application/json') => ({
  status,
  contentType,
  body: JSON.stringify(body),
});

describe('the contract check', () => {
  it('lets a response the document allows through', () => {
    const checker = new ContractChecker(document);
    expect(checker.check('POST', '/enquiries', json(accepted))).toEqual([]);
    expect(
      checker.check(
        'POST',
        '/enquiries',
        json(
          { type: 'urn:csp:problem:validation-failed', title: 'x', status: 422 },
          422,
          'application/problem+json; charset=utf-8',
        ),
      ),
    ).toEqual([]);
  });

  it('names a missing field, a field of the wrong type, and a field the schema does not have', () => {
    const checker = new ContractChecker(document);
    const { receivedAt: _dropped, ...withoutReceivedAt } = accepted;

    expect(checker.check('POST', '/enquiries', json(withoutReceivedAt))).toEqual([
      "body must have required property 'receivedAt'",
    ]);
    expect(checker.check('POST', '/enquiries', json({ ...accepted, reference: 123 }))).toEqual([
      'body.reference must be string',
    ]);
    expect(checker.check('POST', '/enquiries', json({ ...accepted, email: 'sam@example.org' }))).toEqual([
      'body has a field the contract does not name: email',
    ]);
  });

  it('refuses an undocumented status, an undocumented media type, and a body that is not JSON', () => {
    const checker = new ContractChecker(document);

    expect(checker.check('POST', '/enquiries', json(accepted, 200))[0]).toMatch(
      /^status 200 is not documented/,
    );
    expect(checker.check('POST', '/enquiries', json(accepted, 201, 'text/html'))[0]).toMatch(
      /^Content-Type text\/html is not documented for 201/,
    );
    expect(
      checker.check('POST', '/enquiries', { status: 201, contentType: 'application/json', body: '{' }),
    ).toEqual(['the application/json body is not JSON']);
    // The status page's HTML and the statistics' CSV are documented beside their JSON.
    expect(
      checker.check('GET', '/enquiries/{reference}/status', {
        status: 200,
        contentType: 'text/html; charset=UTF-8',
        body: '<p>',
      }),
    ).toEqual([]);
  });

  it('holds the headers a client acts on to the document, both ways', () => {
    const checker = new ContractChecker(document);
    const location = { Location: '/enquiries/CSU-2026-000123/status?token=abc' };

    expect(checker.check('POST', '/enquiries', { ...json(accepted), headers: location })).toEqual([]);
    expect(checker.check('POST', '/enquiries', { ...json(accepted), headers: {} })).toEqual([
      'the Location header is documented but not sent',
    ]);
    expect(
      checker.check('POST', '/enquiries', { ...json(accepted), headers: { ...location, etag: '"1"' } }),
    ).toEqual(['the ETag header is sent but not documented']);
  });

  it('leaves what the document does not describe alone', () => {
    expect(new ContractChecker(document).check('GET', '/openapi.json', json({}, 200))).toEqual([]);
  });

  it('reports which operations were answered, with what, what never was, and every violation', () => {
    const checker = new ContractChecker(document);
    checker.check('POST', '/enquiries', json(accepted));
    checker.check('POST', '/enquiries', json(accepted));
    checker.check('POST', '/enquiries', json(accepted, 299));

    const coverage = checker.coverage();
    const submit = coverage.operations.find((operation) => operation.operationId === 'submitEnquiry')!;
    expect(submit.answered).toEqual({ '201': 2, '299': 1 });
    expect(submit.neverAnswered).toContain('422');
    expect(submit.neverAnswered).not.toContain('201');
    expect(coverage.untouched).not.toContain('submitEnquiry');
    expect(coverage.untouched).toContain('listCategories');
    expect(coverage.untouched).toHaveLength(coverage.operations.length - 1);
    expect(coverage.violations).toEqual([
      {
        operationId: 'submitEnquiry',
        status: 299,
        problems: [expect.stringMatching(/^status 299 is not documented/)],
      },
    ]);
  });
});
