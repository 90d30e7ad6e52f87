/** The annual strategic assessments that inform the partnership plan: read by anyone, recorded by admins. */
import * as z from 'zod/mini';
import type { Clock } from '../../domain/ports.ts';
import type { RecordsRepository } from '../../domain/records.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { saveAssessment } from '../../domain/use-cases/records.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { AssessmentFieldsSchema } from '../directory-schemas.ts';
import { documented, IfMatchHeader, jsonResponse, problemResponses } from '../openapi-parts.ts';

const AssessmentSchema = lazily(() =>
  z
    .object({
      planYear: documented(z.string(), { description: 'The plan year it informs' }),
      publishedOn: z.string(),
      summary: z.string(),
      findings: z.array(z.string()),
      documentUrl: z.optional(z.string()),
      documentId: z.optional(z.string()),
      version: documented(z.int(), { description: 'Send it back as If-Match ("2") to revise it' }),
    })
    .register(z.globalRegistry, { title: 'StrategicAssessment' }),
);

/** The assessment routes. */
export function assessmentRoutes(deps: {
  readonly records: RecordsRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listAssessments,
      () => ({
        summary: 'Annual strategic assessments, newest first',
        responses: {
          200: jsonResponse(
            'Assessments',
            z
              .object({ assessments: z.array(AssessmentSchema()) })
              .register(z.globalRegistry, { title: 'AssessmentList' }),
          ),
          ...problemResponses(500),
        },
      }),
      async (c) => c.json({ assessments: await deps.records.listAssessments() }, 200),
    ),
    defineRoute(
      ROUTES.saveAssessment,
      () => ({
        summary: 'Publish a plan year’s strategic assessment, or revise it (If-Match with its version)',
        headers: IfMatchHeader(),
        body: z.strictObject(AssessmentFieldsSchema()),
        responses: {
          201: jsonResponse('Published or revised', AssessmentSchema(), ['ETag']),
          ...problemResponses(401, 403, 412, 422),
        },
      }),
      async (c, { headers, body }) => {
        const assessment = await saveAssessment(deps, {
          principal: c.var.principal,
          assessment: body,
          ifMatch: headers['if-match'],
        });
        c.header('ETag', etagOf(assessment.version));
        return c.json(assessment, 201);
      },
    ),
  ];
}
