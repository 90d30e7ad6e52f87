/** `GET /assessments`: the annual strategic assessments that inform the partnership plan. */
import * as z from 'zod/mini';
import type { RecordsRepository } from '../../domain/records.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { jsonResponse, problemResponses } from '../openapi-parts.ts';

const AssessmentListSchema = lazily(() =>
  z
    .object({
      assessments: z.array(
        z.object({
          planYear: z.string().register(z.globalRegistry, { description: 'The plan year it informs' }),
          publishedOn: z.string(),
          summary: z.string(),
          findings: z.array(z.string()),
          documentUrl: z.optional(z.string()),
        }),
      ),
    })
    .register(z.globalRegistry, { title: 'AssessmentList' }),
);

/** The assessments route. */
export function assessmentRoutes(deps: {
  readonly records: Pick<RecordsRepository, 'listAssessments'>;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listAssessments,
      () => ({
        summary: 'Annual strategic assessments, newest first',
        responses: { 200: jsonResponse('Assessments', AssessmentListSchema()), ...problemResponses(500) },
      }),
      async (c) => c.json({ assessments: await deps.records.listAssessments() }, 200),
    ),
  ];
}
