/** `GET /enquiries/{reference}/status`: the enquirer's own view, behind the token from their status link. */
import type { EnquiryRepository } from '../../domain/ports.ts';
import { getEnquiryStatus } from '../../domain/use-cases/get-enquiry-status.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute } from '../define-route.ts';
import { problemResponses } from '../openapi-parts.ts';
import { EnquiryStatusSchema, ReferenceParamSchema, StatusTokenQuerySchema } from '../schemas.ts';

const enquiryStatusRoute = publicRoute(ROUTES.enquiryStatus, {
  summary: "The enquirer's view of their enquiry's status",
  request: { params: ReferenceParamSchema, query: StatusTokenQuerySchema },
  responses: {
    200: { description: 'Status', content: { 'application/json': { schema: EnquiryStatusSchema } } },
    ...problemResponses(404, 422, 500),
  },
});

/** The enquiry status route. */
export function enquiryStatusRoutes(deps: { readonly enquiries: Pick<EnquiryRepository, 'get'> }) {
  return createRouter().openapi(enquiryStatusRoute, async (c) => {
    const { reference } = c.req.valid('param');
    const { token } = c.req.valid('query');
    const view = await getEnquiryStatus(deps.enquiries, reference, token);
    c.header('Cache-Control', 'no-store');
    return c.json(view, 200);
  });
}
