/**
 * The local API gateway's contract enforcement (local/api-gateway.ts): in test mode a response that breaks the
 * OpenAPI document never reaches the client, which gets a loud 500 naming what is wrong; outside test mode
 * (`npm start`, the bench) the function's response passes through untouched.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { documentedRoutes, documentSettings } from '../../functions/api/docs-app.ts';
import { openApiDocument } from '../../functions/api/openapi-document.ts';
import { GATEWAY_SECURITY_HEADERS } from '../../functions/api/problem.ts';
import { LOCAL_API_URL } from '../../functions/topology.ts';
import { createApiGateway } from '../../local/api-gateway.ts';
import { ContractChecker } from '../../local/contract.ts';

const document = openApiDocument(documentedRoutes(), documentSettings(LOCAL_API_URL));

/** POST /enquiries's 201, as the api function answers it, without the `receivedAt` the contract requires. */
const brokenAcceptance = {
  statusCode: 201,
  headers: {
    'content-type': 'application/json',
    Location: '/enquiries/CSU-2026-000123/status?token=abc',
  },
  body: JSON.stringify({
    reference: 'CSU-2026-000123',
    status: 'received',
    statusUrl: 'http://localhost:3000/enquiries/CSU-2026-000123/status?token=abc',
    acknowledgement: 'requested',
  }),
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A gateway on a free port whose functions all answer `brokenAcceptance`; what they were invoked with. */
async function gateway(checkContract: boolean) {
  const invoked: { functionName: string; event: APIGatewayProxyEvent }[] = [];
  const logged: string[] = [];
  const server = createApiGateway({
    stage: 'local',
    log: (message) => logged.push(message),
    invoke: async (functionName, event) => {
      invoked.push({ functionName, event });
      return brokenAcceptance;
    },
    ...(checkContract ? { contract: Promise.resolve(new ContractChecker(document)) } : {}),
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  const submit = () =>
    fetch(`http://127.0.0.1:${port}/enquiries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  return { submit, invoked, logged, url: `http://127.0.0.1:${port}` };
}

describe('the local API gateway', () => {
  it('in test mode, answers a 500 contract-violation problem instead of a response missing a required field', async () => {
    const { submit, invoked, logged } = await gateway(true);

    const response = await submit();

    expect(invoked.map((call) => call.functionName)).toEqual(['api']);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { type: string; errors: { message: string }[] };
    expect(problem.type).toBe('urn:csp:problem:contract-violation');
    expect(problem.errors.map((error) => error.message)).toEqual([
      "body must have required property 'receivedAt'",
    ]);
    expect(logged.join('\n')).toContain('CONTRACT VIOLATION: POST /enquiries answered 201');
  });

  it('without the contract check, passes the function’s response through as it came', async () => {
    const { submit, logged } = await gateway(false);

    const response = await submit();

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(brokenAcceptance.headers.Location);
    expect(await response.text()).toBe(brokenAcceptance.body);
    expect(logged).toEqual([]);
  });

  it('answers what it answers itself (an unknown path, a staff route without a token) with the security headers', async () => {
    const { invoked, url } = await gateway(false);

    const answers = [await fetch(`${url}/no-such-thing`), await fetch(`${url}/enquiries?status=received`)];

    expect(answers.map((answer) => answer.status)).toEqual([404, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      for (const [name, value] of Object.entries(GATEWAY_SECURITY_HEADERS)) {
        expect(answer.headers.get(name), name).toBe(value);
      }
    }
    expect(invoked).toEqual([]);
  });
});
