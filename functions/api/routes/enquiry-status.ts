/** `GET /enquiries/{reference}/status`: the enquirer's own view, behind the token from their status link. */
import type { EnquiryRepository } from '../../domain/ports.ts';
import { getEnquiryStatus } from '../../domain/use-cases/get-enquiry-status.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, type RouteDefinition } from '../define-route.ts';
import { jsonResponse, problemResponses } from '../openapi-parts.ts';
import { EnquiryStatusSchema, ReferenceParamSchema, StatusTokenQuerySchema } from '../schemas.ts';

/** The enquiry status route. */
export function enquiryStatusRoutes(deps: {
  readonly enquiries: Pick<EnquiryRepository, 'get'>;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.enquiryStatus,
      () => ({
        summary: "The enquirer's view of their enquiry's status",
        params: ReferenceParamSchema(),
        query: StatusTokenQuerySchema(),
        responses: { 200: jsonResponse('Status', EnquiryStatusSchema()), ...problemResponses(404, 422, 500) },
      }),
      async (c, { params, query }) => {
        const view = await getEnquiryStatus(deps.enquiries, params.reference, query.token);
        c.header('Cache-Control', 'no-store');
        return c.json(view, 200);
      },
    ),
  ];
}
