/**
 * Enquiry categories: the public contact form lists those offered; partnership admins add categories and change
 * their title, description, sensitivity, place on the form, or retire them (If-Match, audited). A retired
 * category leaves the form and refuses new enquiries by name, while enquiries made in it keep it.
 */
import * as z from 'zod/mini';
import { AUDITED, type PositionedCategory, type Versioned } from '../../domain/directory.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { offeredCategories } from '../../domain/partnership.ts';
import type { ReferenceDataRepository } from '../../domain/ports.ts';
import {
  createCategory,
  type DirectoryDeps,
  getCategory,
  updateCategory,
} from '../../domain/use-cases/directory.ts';
import { REFERENCE_DATA_MAX_AGE_SECONDS, ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import { CategoryFieldsSchema, DirectoryIdSchema } from '../directory-schemas.ts';
import { documented, IfMatchHeader, jsonResponse, problemResponses, withEtag } from '../openapi-parts.ts';
import { EnquiryCategoryListSchema } from '../schemas.ts';
import { historyRoute } from './history.ts';

const CodeParam = lazily(() => z.object({ code: DirectoryIdSchema() }));

const CategoryRecordSchema = lazily(() =>
  z
    .object({
      code: z.string(),
      title: z.string(),
      description: z.string(),
      sensitive: z.boolean(),
      position: z.int(),
      retired: documented(z.boolean(), { description: 'Off the form; new enquiries in it are refused' }),
    })
    .register(z.globalRegistry, { title: 'EnquiryCategoryRecord' }),
);

const categoryView = ({ version: _version, ...category }: Versioned<PositionedCategory>) => ({
  ...category,
  retired: category.retired ?? false,
});

/** The record and its ETag. */
const answer = (
  c: Parameters<typeof withEtag>[0],
  record: Versioned<PositionedCategory>,
  status?: 200 | 201,
) => withEtag(c, record, categoryView, status);

/** The category routes. */
export function categoryRoutes(
  deps: DirectoryDeps & {
    /** The public list is served from the function's cache. */
    readonly referenceData: Pick<ReferenceDataRepository, 'listCategories'>;
    readonly governance: Pick<GovernanceRepository, 'listAudit'>;
  },
): RouteDefinition[] {
  const fields = () => CategoryFieldsSchema();
  return [
    defineRoute(
      ROUTES.listCategories,
      () => ({
        summary: 'List the enquiry categories for the public contact form',
        responses: { 200: jsonResponse('Categories', EnquiryCategoryListSchema()), ...problemResponses(500) },
      }),
      async (c) => {
        const categories = offeredCategories(await deps.referenceData.listCategories()).map(
          ({ code, title, description, sensitive }) => ({ code, title, description, sensitive }),
        );
        // Browsers and CDNs may keep it as long as the function's own cache may.
        c.header('Cache-Control', `public, max-age=${REFERENCE_DATA_MAX_AGE_SECONDS}`);
        return c.json({ categories }, 200);
      },
    ),
    defineRoute(
      ROUTES.getCategory,
      () => ({
        summary: 'One category as stored, retired ones too (ETag for changes)',
        params: CodeParam(),
        responses: {
          200: jsonResponse('Category', CategoryRecordSchema(), ['ETag']),
          ...problemResponses(404, 422),
        },
      }),
      async (c, { params }) => answer(c, await getCategory(deps.directory, params.code)),
    ),
    defineRoute(
      ROUTES.createCategory,
      () => ({
        summary:
          'Add a category to the form; it goes to the CSU alone until PUT /routing/{category} names agencies',
        body: z.strictObject({ code: DirectoryIdSchema(), ...fields() }),
        responses: {
          201: jsonResponse('Added (ETag for changes)', CategoryRecordSchema(), ['ETag', 'Location']),
          ...problemResponses(401, 403, 409, 422),
        },
      }),
      async (c, { body }) => {
        const category = await createCategory(deps, { principal: c.var.principal, ...body });
        c.header('Location', `/enquiry-categories/${category.code}`);
        return answer(c, category, 201);
      },
    ),
    defineRoute(
      ROUTES.updateCategory,
      () => ({
        summary: 'Change a category’s title, description, sensitivity or place, or retire it (If-Match)',
        params: CodeParam(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          title: z.optional(fields().title),
          description: z.optional(fields().description),
          sensitive: z.optional(fields().sensitive),
          position: z.optional(fields().position),
          retired: z.optional(documented(z.boolean(), { description: 'True takes it off the form' })),
        }),
        responses: {
          200: jsonResponse('Changed', CategoryRecordSchema()),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await updateCategory(deps, {
            principal: c.var.principal,
            code: params.code,
            ifMatch: headers['if-match'],
            ...body,
          }),
        ),
    ),
    historyRoute(
      ROUTES.categoryHistory,
      'a category',
      { params: CodeParam, entityOf: ({ code }) => AUDITED.category(code) },
      deps.governance,
    ),
  ];
}
