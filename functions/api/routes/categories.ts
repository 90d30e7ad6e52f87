/** `GET /enquiry-categories`: what the council's contact form can offer. */
import type { ReferenceDataRepository } from '../../domain/ports.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS, ROUTES } from '../../topology.ts';
import { defineRoute, type RouteDefinition } from '../define-route.ts';
import { jsonResponse, problemResponses } from '../openapi-parts.ts';
import { EnquiryCategoryListSchema } from '../schemas.ts';

/** The category list route. */
export function categoryRoutes(deps: {
  readonly referenceData: Pick<ReferenceDataRepository, 'listCategories'>;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listCategories,
      () => ({
        summary: 'List the enquiry categories for the public contact form',
        responses: { 200: jsonResponse('Categories', EnquiryCategoryListSchema()), ...problemResponses(500) },
      }),
      async (c) => {
        const categories = await deps.referenceData.listCategories();
        // Browsers and CDNs may keep it as long as the function's own cache may.
        c.header('Cache-Control', `public, max-age=${REFERENCE_DATA_MAX_AGE_SECONDS}`);
        return c.json({ categories }, 200);
      },
    ),
  ];
}
