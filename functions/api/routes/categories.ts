/** `GET /enquiry-categories`: what the council's contact form can offer. */
import type { ReferenceDataRepository } from '../../domain/ports.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS, ROUTES } from '../../topology.ts';
import { createRouter, publicRoute } from '../define-route.ts';
import { problemResponses } from '../openapi-parts.ts';
import { EnquiryCategoryListSchema } from '../schemas.ts';

const listCategoriesRoute = publicRoute(ROUTES.listCategories, {
  summary: 'List the enquiry categories for the public contact form',
  responses: {
    200: {
      description: 'Categories',
      content: { 'application/json': { schema: EnquiryCategoryListSchema } },
    },
    ...problemResponses(500),
  },
});

/** The category list route. */
export function categoryRoutes(deps: {
  readonly referenceData: Pick<ReferenceDataRepository, 'listCategories'>;
}) {
  return createRouter().openapi(listCategoriesRoute, async (c) => {
    const categories = await deps.referenceData.listCategories();
    // Browsers and CDNs may keep it as long as the function's own cache may.
    c.header('Cache-Control', `public, max-age=${REFERENCE_DATA_MAX_AGE_SECONDS}`);
    return c.json({ categories }, 200);
  });
}
