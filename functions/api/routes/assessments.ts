/** `GET /assessments`: the annual strategic assessments that inform the partnership plan. */
import type { RecordsRepository } from '../../domain/records.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute } from '../define-route.ts';
import { problemResponses } from '../openapi-parts.ts';

const listAssessmentsRoute = publicRoute(ROUTES.listAssessments, {
  summary: 'Annual strategic assessments, newest first',
  responses: { 200: { description: 'Assessments' }, ...problemResponses(500) },
});

/** The assessments route. */
export function assessmentRoutes(deps: { readonly records: Pick<RecordsRepository, 'listAssessments'> }) {
  return createRouter().openapi(listAssessmentsRoute, async (c) =>
    c.json({ assessments: await deps.records.listAssessments() }, 200),
  );
}
