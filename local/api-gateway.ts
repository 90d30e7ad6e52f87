/**
 * A local stand-in for the REST API stage: turns each HTTP request into the API Gateway (REST, v1 proxy)
 * event the route's function (`api`, or `docs` for the API's documentation) receives on AWS, invokes the same
 * handler, and writes its response back.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  GATEWAY_SECURITY_HEADERS,
  type GatewayResponseType,
  gatewayProblem,
  PROBLEM_CONTENT_TYPE,
} from '../functions/api/problem.ts';
import {
  type FunctionName,
  functionOf,
  isStaffRoute,
  PAGE_LIST,
  PAGES_FUNCTION,
  ROUTE_LIST,
  ROUTES,
} from '../functions/topology.ts';
import { ContractChecker } from './contract.ts';
import { hardened, readBody, respond } from './http.ts';

/** API Gateway's own payload limit; our app enforces a much smaller one. */
const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export function createApiGateway(options: {
  invoke: (functionName: FunctionName, event: APIGatewayProxyEvent) => Promise<unknown>;
  stage: string;
  log: (message: string, error?: unknown) => void;
  /** In test mode: every response of a documented operation is checked against the contract (./contract.ts). */
  contract?: Promise<ContractChecker>;
}): http.Server {
  const server = http.createServer(async (req, res) => {
    const read = await readBody(req, API_GATEWAY_MAX_BYTES);
    // The client went before its body ended: there is no request to answer, and nobody to answer it to.
    if (read.kind === 'aborted') {
      res.destroy();
      return;
    }
    if (read.kind === 'too-large') {
      sendGatewayProblem(res, 'REQUEST_TOO_LARGE', { connection: 'close' });
      return;
    }
    try {
      await forward(req, res, read.body);
    } catch (error) {
      options.log("The route's function failed", error);
      sendGatewayProblem(res, 'DEFAULT_5XX');
    }
  });

  async function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    // As on AWS: only the routes' methods reach the function (plus CORS preflight on their paths).
    const route = matchRoute(method, path);
    const known = route ?? (method === 'OPTIONS' && COMPILED_ROUTES.some(({ regex }) => regex.test(path)));
    if (!known) {
      sendGatewayProblem(res, 'MISSING_AUTHENTICATION_TOKEN');
      return;
    }
    // The Cognito authorizer's first check: a staff route without a bearer token never reaches the function.
    // (It also verifies the token; the function verifies it again, so local and AWS refuse the same tokens.)
    if (route?.staff && !/^Bearer\s+\S+$/i.test(String(req.headers.authorization ?? ''))) {
      const refused = gatewayProblem('UNAUTHORIZED');
      const text = JSON.stringify(refused.body);
      const answered = { status: refused.status ?? 401, contentType: PROBLEM_CONTENT_TYPE, body: text };
      if (await breaksContract(res, method, route.resource, answered)) return;
      sendGatewayProblem(res, 'UNAUTHORIZED');
      return;
    }
    const event = toProxyEvent(
      {
        method,
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        httpVersion: req.httpVersion,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        body,
      },
      route,
      options.stage,
    );
    // CORS preflight (answered by the stage itself on AWS) goes to the api function, whose CORS middleware
    // answers it with the same settings.
    const target: FunctionName = route?.function ?? 'api';
    const result = (await options.invoke(target, event)) as APIGatewayProxyResult & {
      multiValueHeaders?: Record<string, string[]>;
    };
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values;
    const answer = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    // Test mode only: the copies the check needs are not made on every response of `npm start` or the bench.
    if (route && !route.page && options.contract) {
      const contentType = Object.entries(headers).find(
        ([name]) => name.toLowerCase() === 'content-type',
      )?.[1];
      const text = typeof answer === 'string' ? answer : answer.toString('utf8');
      const sent = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
      const answered = {
        status: result.statusCode,
        contentType: String(contentType ?? ''),
        body: text,
        headers: sent,
      };
      if (await breaksContract(res, method, route.resource, answered)) return;
    }
    respond(res, result.statusCode, headers, answer);
  }

  /**
   * In test mode, answers a loud 500 instead of a response that breaks the contract, so the test that made the
   * request fails there and then, naming what is wrong; true when it did.
   */
  async function breaksContract(
    res: http.ServerResponse,
    method: string,
    resource: string,
    answered: { status: number; contentType: string; body: string; headers?: Record<string, string> },
  ): Promise<boolean> {
    if (!options.contract) return false;
    const { status } = answered;
    const problems = (await options.contract).check(method, resource, answered);
    if (problems.length === 0) return false;
    options.log(`CONTRACT VIOLATION: ${method} ${resource} answered ${status}: ${problems.join('; ')}`);
    respond(
      res,
      500,
      { 'content-type': PROBLEM_CONTENT_TYPE },
      JSON.stringify({
        type: 'urn:csp:problem:contract-violation',
        title: 'The response breaks the API contract (local test mode)',
        status: 500,
        detail: `${method} ${resource} answered ${status}, which the OpenAPI document does not allow.`,
        errors: problems.map((message) => ({ field: 'response', message })),
      }),
    );
    return true;
  }
  return hardened(server);
}

/**
 * The contract the `docs` function serves, as the checker of test mode: fetched through the function itself,
 * so what is checked is exactly what clients read.
 */
export async function servedContract(
  invoke: (functionName: FunctionName, event: APIGatewayProxyEvent) => Promise<unknown>,
  stage: string,
): Promise<ContractChecker> {
  const path = ROUTES.openApiDocument.path;
  const request = {
    method: 'GET',
    url: path,
    rawHeaders: ['host', 'localhost', 'user-agent', 'local-contract'],
    httpVersion: '1.1',
    sourceIp: '127.0.0.1',
    body: Buffer.alloc(0),
  };
  const event = toProxyEvent(request, matchRoute('GET', path), stage);
  const result = (await invoke(functionOf(ROUTES.openApiDocument), event)) as APIGatewayProxyResult;
  if (result.statusCode !== 200)
    throw new Error(`The docs function answered ${result.statusCode} for ${path}`);
  return new ContractChecker(JSON.parse(result.body) as Record<string, unknown>);
}

/** What the gateway read of a request: enough to build the proxy event. */
interface GatewayRequest {
  readonly method: string;
  readonly url: string;
  /** Names and values in turn, as Node reads them. */
  readonly rawHeaders: readonly string[];
  readonly httpVersion: string;
  readonly sourceIp: string;
  readonly body: Buffer;
}

function toProxyEvent(
  req: GatewayRequest,
  match: ReturnType<typeof matchRoute>,
  stage: string,
): APIGatewayProxyEvent {
  const { body, method } = req;
  const url = new URL(req.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const isText = /^(application\/(json|problem\+json|x-www-form-urlencoded)|text\/)/i.test(
    headers['content-type'] ?? headers['Content-Type'] ?? 'application/json',
  );
  return {
    resource: match?.resource ?? url.pathname,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: url.searchParams.size > 0 ? query : null,
    multiValueQueryStringParameters: url.searchParams.size > 0 ? multiQuery : null,
    pathParameters: match?.params ?? null,
    stageVariables: null,
    body: body.length > 0 ? (isText ? body.toString('utf8') : body.toString('base64')) : null,
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: {
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? headers['User-Agent'] ?? null,
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/${stage}${url.pathname}`,
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: match?.resource ?? url.pathname,
    },
  };
}

/** The answer API Gateway gives itself, configured from the same GATEWAY_PROBLEMS as the CDK stack. */
function sendGatewayProblem(
  res: http.ServerResponse,
  type: GatewayResponseType,
  extraHeaders: Record<string, string> = {},
): void {
  const { status, body, headers } = gatewayProblem(type);
  respond(
    res,
    status ?? 400,
    {
      ...GATEWAY_SECURITY_HEADERS,
      'content-type': PROBLEM_CONTENT_TYPE,
      'access-control-allow-origin': '*',
      ...headers,
      ...extraHeaders,
    },
    JSON.stringify(body),
  );
}

/** `/enquiries/{reference}/status` → a regex for concrete paths, and the parameter names in order. */
function routeRegex(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const regex = new RegExp(
    `^${path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { regex, names };
}

/**
 * Every route and page with its path's regex, compiled once rather than on every request. Pages are served by
 * the web function, public at the gateway, and outside the API's contract.
 */
const COMPILED_ROUTES = [
  ...ROUTE_LIST.map((route) => ({
    route,
    staff: isStaffRoute(route),
    function: functionOf(route),
    page: false,
    ...routeRegex(route.path),
  })),
  ...PAGE_LIST.map((route) => ({
    route,
    staff: false,
    function: PAGES_FUNCTION,
    page: true,
    ...routeRegex(route.path),
  })),
];

/** Finds the topology route for a request, as API Gateway's resource tree does. */
function matchRoute(method: string, path: string) {
  for (const { route, regex: pattern, names, ...served } of COMPILED_ROUTES) {
    const found = pattern.exec(path);
    if (!found || route.method !== method) continue;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]));
    } catch {
      // Not a valid percent-encoding: API Gateway passes such a segment on as it came.
      params = Object.fromEntries(names.map((name, i) => [name, found[i + 1]!]));
    }
    return { resource: route.path, params: names.length > 0 ? params : null, ...served };
  }
  return undefined;
}
