/**
 * The API's contract, enforced on the local gateway in test mode (`CSP_LOCAL_CHECK_CONTRACT=1`, which the test
 * setup sets): every response of a documented operation must have a documented status and media type, and a
 * JSON body must validate against its operation's schema for that status (Ajv, JSON Schema 2020-12, as
 * OpenAPI 3.1). A response that does not is replaced by a loud 500 naming what is wrong, so the test that made
 * the request fails where it stands. The checker also counts which operations the suite touched, with which
 * statuses: `GET /_local/contract` on the control port reports it (see docs/api-contract.md).
 *
 * The document checked is the one the `docs` function serves, so what is proven is what clients read.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isJsonMedia } from '../functions/api/openapi-document.ts';

type Json = Record<string, unknown>;

/** One response that broke the contract. */
export interface ContractViolation {
  readonly operationId: string;
  readonly status: number;
  readonly problems: readonly string[];
}

/** What the suite touched, operation by operation. */
export interface ContractCoverage {
  readonly operations: readonly {
    readonly operationId: string;
    readonly method: string;
    readonly path: string;
    /** Statuses answered in this run, and how often each. */
    readonly answered: Readonly<Record<string, number>>;
    /** Documented statuses this run never saw. */
    readonly neverAnswered: readonly string[];
  }[];
  /** Operations no request reached. */
  readonly untouched: readonly string[];
  readonly violations: readonly ContractViolation[];
}

interface Operation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly responses: Json;
}

/** Media type without its parameters, lower case: `application/json; charset=utf-8` → `application/json`. */
const mediaTypeOf = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** Response headers whose presence must match the document, both ways. */
const CHECKED_HEADERS = ['ETag', 'Location'] as const;

/** Checks responses against one OpenAPI 3.1 document. */
export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly byRoute = new Map<string, Operation>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly answered = new Map<string, Map<string, number>>();
  private readonly violations: ContractViolation[] = [];

  constructor(readonly document: Json) {
    this.ajv = validatorOf(document);
    for (const { path, method, operation } of operationsOf(document)) {
      this.byRoute.set(`${method.toUpperCase()} ${path}`, {
        operationId: String(operation.operationId),
        method: method.toUpperCase(),
        path,
        responses: (operation.responses ?? {}) as Json,
      });
    }
  }

  /** True when `method path` (the route's template, e.g. `/enquiries/{reference}`) is a documented operation. */
  documents(method: string, routePath: string): boolean {
    return this.byRoute.has(`${method} ${routePath}`);
  }

  /**
   * What is wrong with this response of `method routePath` (nothing: an empty list). Records the response for
   * coverage, and any violation for the report.
   */
  check(
    method: string,
    routePath: string,
    response: {
      status: number;
      contentType?: string;
      body?: string;
      headers?: Readonly<Record<string, string>>;
    },
  ): string[] {
    const operation = this.byRoute.get(`${method} ${routePath}`);
    if (!operation) return [];
    const status = String(response.status);
    const counts = this.answered.get(operation.operationId) ?? new Map<string, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    this.answered.set(operation.operationId, counts);

    const problems = this.problemsOf(operation, status, response);
    if (problems.length > 0) {
      this.violations.push({ operationId: operation.operationId, status: response.status, problems });
    }
    return problems;
  }

  private problemsOf(
    operation: Operation,
    status: string,
    response: { contentType?: string; body?: string; headers?: Readonly<Record<string, string>> },
  ): string[] {
    const documented = operation.responses[status] as Json | undefined;
    if (!documented) {
      return [
        `status ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`,
      ];
    }
    return [
      ...this.headerProblems(documented, response.headers),
      ...this.bodyProblems(operation, status, documented, response),
    ];
  }

  /**
   * The headers a client acts on (`ETag` for If-Match, `Location` of what was created) must be declared
   * exactly where they are sent: a client generated from the document looks for them nowhere else.
   */
  private headerProblems(documented: Json, headers: Readonly<Record<string, string>> | undefined): string[] {
    if (!headers) return [];
    const declared = new Set(
      Object.keys((documented.headers ?? {}) as Json).map((name) => name.toLowerCase()),
    );
    const sent = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    return CHECKED_HEADERS.flatMap((name) => {
      const key = name.toLowerCase();
      if (sent.has(key) && !declared.has(key)) return [`the ${name} header is sent but not documented`];
      if (declared.has(key) && !sent.has(key)) return [`the ${name} header is documented but not sent`];
      return [];
    });
  }

  private bodyProblems(
    operation: Operation,
    status: string,
    documented: Json,
    response: { contentType?: string; body?: string },
  ): string[] {
    const content = documented.content as Record<string, Json> | undefined;
    const hasBody = response.body !== undefined && response.body.length > 0;
    if (!content) return hasBody ? [`status ${status} is documented with no body, but one came`] : [];
    const mediaType = mediaTypeOf(response.contentType);
    const media = Object.entries(content).find(([type]) => mediaTypeOf(type) === mediaType)?.[1];
    if (!media) {
      return [
        `Content-Type ${response.contentType ?? '(none)'} is not documented for ${status} (documented: ${Object.keys(content).join(', ')})`,
      ];
    }
    if (!media.schema || !isJsonMedia(mediaType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.body ?? '');
    } catch {
      return [`the ${mediaType} body is not JSON`];
    }
    const validate = this.validatorFor(operation, status, mediaType, content);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => {
      const where = `body${error.instancePath.replaceAll('/', '.')}`;
      // The name of a field the schema does not have (never its value, which may be personal data).
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      return extra
        ? `${where} has a field the contract does not name: ${extra}`
        : `${where} ${error.message ?? 'is invalid'}`;
    });
  }

  private validatorFor(
    operation: Operation,
    status: string,
    mediaType: string,
    content: Json,
  ): ValidateFunction {
    const key = `${operation.method} ${operation.path} ${status} ${mediaType}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const documentedType = Object.keys(content).find((type) => mediaTypeOf(type) === mediaType)!;
      const at = ['paths', operation.path, operation.method.toLowerCase(), 'responses', status, 'content'];
      validate = this.ajv.compile(refTo([...at, documentedType, 'schema']));
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Which operations the run touched, with which statuses, and every violation. */
  coverage(): ContractCoverage {
    const operations = [...this.byRoute.values()].map((operation) => {
      const counts = this.answered.get(operation.operationId) ?? new Map<string, number>();
      return {
        operationId: operation.operationId,
        method: operation.method,
        path: operation.path,
        answered: Object.fromEntries(counts),
        neverAnswered: Object.keys(operation.responses).filter((status) => !counts.has(status)),
      };
    });
    return {
      operations,
      untouched: operations
        .filter((operation) => Object.keys(operation.answered).length === 0)
        .map((operation) => operation.operationId),
      violations: [...this.violations],
    };
  }
}

/**
 * An Ajv for `document`'s schemas, each reached by `refTo` its place in the document. Not strict: the schemas
 * carry OpenAPI's own keywords (`example`) beside JSON Schema's.
 */
function validatorOf(document: Json): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats.default(ajv);
  ajv.addSchema(document, 'contract');
  return ajv;
}

/** A schema that is the one at `pointer` (its path in the document, unescaped) of the `validatorOf` document. */
function refTo(pointer: readonly string[]): { $ref: string } {
  return {
    $ref: `contract#/${pointer.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
  };
}

/** Every operation of `document`. */
function* operationsOf(document: Json): Generator<{ path: string; method: string; operation: Json }> {
  for (const [path, methods] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(methods))
      yield { path, method, operation: operation as Json };
  }
}

/** Every request and response body of `document`, with where it is and what a report calls it. */
function* bodiesOf(document: Json): Generator<{ at: string[]; label: string; media: Json }> {
  for (const { path, method, operation } of operationsOf(document)) {
    const base = ['paths', path, method];
    const where = `${method.toUpperCase()} ${path}`;
    const request = ((operation.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
    for (const [type, media] of Object.entries(request)) {
      yield { at: [...base, 'requestBody', 'content', type], label: `${where} request ${type}`, media };
    }
    for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, Json>)) {
      for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, Json>)) {
        yield {
          at: [...base, 'responses', status, 'content', type],
          label: `${where} ${status} ${type}`,
          media,
        };
      }
    }
  }
}

/**
 * Every example in `document` that does not validate against the schema beside it, as `where: problem` lines:
 * request and response bodies and parameters.
 */
export function invalidExamples(document: Json): string[] {
  const ajv = validatorOf(document);
  const found: string[] = [];
  const check = (pointer: string[], example: unknown) => {
    const validate = ajv.compile(refTo(pointer));
    if (!validate(example)) found.push(`${pointer.join(' ')}: ${ajv.errorsText(validate.errors)}`);
  };
  for (const { path, method, operation } of operationsOf(document)) {
    ((operation.parameters ?? []) as Json[]).forEach((parameter, i) => {
      if ('example' in parameter)
        check(['paths', path, method, 'parameters', String(i), 'schema'], parameter.example);
    });
  }
  for (const { at, media } of bodiesOf(document)) {
    if (media.schema && 'example' in media) check([...at, 'schema'], media.example);
  }
  return found;
}

/** Bodies of any media type without an example, as `METHOD path status type` lines: none may be left out. */
export function missingExamples(document: Json): string[] {
  return [...bodiesOf(document)].filter(({ media }) => !('example' in media)).map(({ label }) => label);
}
