/** Pieces every route module shares: problem responses, the staff security requirement, If-Match. */
import { z } from '@hono/zod-openapi';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { ProblemSchema } from './schemas.ts';

/** OpenAPI responses for problem statuses. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details (RFC 9457)',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );

/** Name of the bearer security scheme in the OpenAPI document. */
export const STAFF_SECURITY = 'staffToken';

/** Security requirement of staff routes. */
export const staffOnly = [{ [STAFF_SECURITY]: [] }];

/** The If-Match header of conditional updates. */
export const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header' }, description: 'The ETag you read' }),
});
