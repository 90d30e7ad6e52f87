/** Staff writes on governance records, behind a staff token: appoint the chair, motions and votes. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { GovernanceRepository } from '../domain/governance-ports.ts';
import type { Clock, ReferenceDataRepository } from '../domain/ports.ts';
import type { RecordsRepository } from '../domain/records.ts';
import type { StaffTokenVerifier } from '../domain/staff.ts';
import {
  appointChair,
  castVote,
  closeMotion,
  createMotion,
  etagOf,
  getMotion,
  revisePriorities,
} from '../domain/use-cases/governance-writes.ts';
import { getRouting, routingHistory, updateRouting } from '../domain/use-cases/update-routing.ts';
import { VOTE_CHOICES } from '../domain/voting.ts';
import {
  IfMatchHeader,
  PlanYearSchema,
  problemResponses,
  STAFF_SECURITY,
  singleLineText,
  staffOnly,
} from './openapi-parts.ts';
import { requireStaff, type StaffVariables } from './staff-auth.ts';

const MotionSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['open', 'closed']),
    quorum: z.number().int(),
    createdAt: z.string(),
    closedAt: z.string().optional(),
    meetingId: z.string().optional(),
    votes: z.array(z.object({ organisationId: z.string(), choice: z.enum(VOTE_CHOICES) })),
    result: z.object({
      for: z.number().int(),
      against: z.number().int(),
      abstain: z.number().int(),
      turnout: z.number().int(),
      quorate: z.boolean(),
      outcome: z.enum(['carried', 'defeated', 'tied', 'inquorate']),
    }),
  })
  .openapi('Motion');

const MotionIdParam = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

/** Adds the staff routes to `app`. */
export function registerStaffRoutes(
  // biome-ignore lint/suspicious/noExplicitAny: the app's Env type belongs to app.ts
  app: OpenAPIHono<any>,
  deps: {
    governance: GovernanceRepository;
    referenceData: ReferenceDataRepository;
    records: RecordsRepository;
    clock: Clock;
    verifier: StaffTokenVerifier;
  },
): void {
  app.openAPIRegistry.registerComponent('securitySchemes', STAFF_SECURITY, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito ID token of a staff user (locally: npm run token -- --role <role>)',
  });
  const admin = requireStaff(deps.verifier, 'partnership-admin');
  const representative = requireStaff(deps.verifier, 'partner-representative');
  const csuOfficer = requireStaff(deps.verifier, 'csu-officer');

  const CategoryParam = z.object({
    category: z
      .string()
      .max(64)
      .regex(/^[a-z0-9-]+$/)
      .openapi({ param: { name: 'category', in: 'path' } }),
  });
  const RoutingSchema = z
    .object({ category: z.string(), agencyIds: z.array(z.string()) })
    .openapi('RoutingRule');

  const getRoutingRoute = createRoute({
    method: 'get',
    path: '/routing/{category}',
    summary: 'Which CSU agencies receive enquiries of a category (ETag for updates)',
    security: staffOnly,
    middleware: [csuOfficer] as const,
    request: { params: CategoryParam },
    responses: {
      200: { description: 'Rule', content: { 'application/json': { schema: RoutingSchema } } },
      ...problemResponses(401, 403, 404),
    },
  });
  app.openapi(getRoutingRoute, async (c) => {
    const { version, category, agencyIds } = await getRouting(
      deps.referenceData,
      c.req.valid('param').category,
    );
    c.header('ETag', etagOf(version));
    c.header('Cache-Control', 'no-store');
    return c.json({ category, agencyIds: [...agencyIds] }, 200);
  });

  const putRoutingRoute = createRoute({
    method: 'put',
    path: '/routing/{category}',
    summary: 'Change which agencies receive a category (audited; If-Match required)',
    security: staffOnly,
    middleware: [csuOfficer] as const,
    request: {
      params: CategoryParam,
      headers: IfMatchHeader,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({ agencyIds: z.array(z.string().max(100)).max(50) }),
          },
        },
      },
    },
    responses: {
      200: { description: 'Changed', content: { 'application/json': { schema: RoutingSchema } } },
      ...problemResponses(401, 403, 404, 412, 422, 428),
    },
  });
  app.openapi(putRoutingRoute, async (c) => {
    const { version, category, agencyIds } = await updateRouting(deps, {
      principal: (c.var as StaffVariables).principal,
      category: c.req.valid('param').category,
      agencyIds: c.req.valid('json').agencyIds,
      ifMatch: c.req.valid('header')['if-match'],
    });
    c.header('ETag', etagOf(version));
    return c.json({ category, agencyIds: [...agencyIds] }, 200);
  });

  const routingHistoryRoute = createRoute({
    method: 'get',
    path: '/routing/{category}/history',
    summary: 'Every change to a category’s routing: who, when, before and after',
    security: staffOnly,
    middleware: [csuOfficer] as const,
    request: { params: CategoryParam },
    responses: {
      200: { description: 'Audit entries, newest first' },
      ...problemResponses(401, 403),
    },
  });
  app.openapi(routingHistoryRoute, async (c) =>
    c.json({ entries: await routingHistory(deps.governance, c.req.valid('param').category) }, 200),
  );

  const appointRoute = createRoute({
    method: 'put',
    path: '/chair',
    summary: 'Appoint or correct the chair of the current term (audited)',
    security: staffOnly,
    middleware: [admin] as const,
    request: {
      headers: IfMatchHeader,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({ organisationId: z.string().max(100), reason: singleLineText(500) }),
          },
        },
      },
    },
    responses: {
      200: { description: 'The current term, changed' },
      ...problemResponses(401, 403, 412, 422, 428),
    },
  });
  app.openapi(appointRoute, async (c) => {
    const principal = (c.var as StaffVariables).principal;
    const body = c.req.valid('json');
    const term = await appointChair(deps, { principal, ...body, ifMatch: c.req.valid('header')['if-match'] });
    const { version, ...view } = term;
    c.header('ETag', etagOf(version, view.startsOn));
    return c.json(view, 200);
  });

  const prioritiesRoute = createRoute({
    method: 'put',
    path: '/priorities/{planYear}',
    summary: 'Set or revise a plan year’s priorities (audited; If-Match when revising)',
    security: staffOnly,
    middleware: [admin] as const,
    request: {
      params: z.object({
        planYear: PlanYearSchema.openapi({ param: { name: 'planYear', in: 'path' } }),
      }),
      headers: IfMatchHeader,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({ titles: z.array(singleLineText(300)).min(1).max(20) }),
          },
        },
      },
    },
    responses: {
      200: { description: 'The plan year as saved' },
      ...problemResponses(401, 403, 412, 422, 428),
    },
  });
  app.openapi(prioritiesRoute, async (c) => {
    const year = await revisePriorities(deps, {
      principal: (c.var as StaffVariables).principal,
      planYear: c.req.valid('param').planYear,
      titles: c.req.valid('json').titles,
      ifMatch: c.req.valid('header')['if-match'],
    });
    c.header('ETag', etagOf(year.version));
    return c.json({ planYear: year.planYear, titles: [...year.titles], revisedOn: year.revisedOn }, 200);
  });

  const createMotionRoute = createRoute({
    method: 'post',
    path: '/motions',
    summary: 'Put a motion to the partnership',
    security: staffOnly,
    middleware: [admin] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              title: singleLineText(300),
              quorum: z.number().int().min(1).max(100).optional(),
              meetingId: z.uuid().optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: MotionSchema } } },
      ...problemResponses(401, 403, 422),
    },
  });
  app.openapi(createMotionRoute, async (c) => {
    const motion = await createMotion(deps, c.req.valid('json'));
    c.header('Location', `/motions/${motion.id}`);
    return c.json(motion, 201);
  });

  const getMotionRoute = createRoute({
    method: 'get',
    path: '/motions/{id}',
    summary: 'A motion, its votes and its result',
    request: { params: MotionIdParam },
    responses: {
      200: { description: 'Motion', content: { 'application/json': { schema: MotionSchema } } },
      ...problemResponses(404, 422),
    },
  });
  app.openapi(getMotionRoute, async (c) => c.json(await getMotion(deps, c.req.valid('param').id), 200));

  const voteRoute = createRoute({
    method: 'post',
    path: '/motions/{id}/votes',
    summary: "Cast the caller's organisation's vote (statutory partners only, once)",
    security: staffOnly,
    middleware: [representative] as const,
    request: {
      params: MotionIdParam,
      body: {
        required: true,
        content: { 'application/json': { schema: z.strictObject({ choice: z.enum(VOTE_CHOICES) }) } },
      },
    },
    responses: {
      201: { description: 'Recorded', content: { 'application/json': { schema: MotionSchema } } },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  });
  app.openapi(voteRoute, async (c) => {
    const principal = (c.var as StaffVariables).principal;
    const motion = await castVote(deps, {
      principal,
      motionId: c.req.valid('param').id,
      choice: c.req.valid('json').choice,
    });
    return c.json(motion, 201);
  });

  const closeRoute = createRoute({
    method: 'post',
    path: '/motions/{id}/close',
    summary: 'Close a motion; its result is final',
    security: staffOnly,
    middleware: [admin] as const,
    request: { params: MotionIdParam },
    responses: {
      200: { description: 'Closed', content: { 'application/json': { schema: MotionSchema } } },
      ...problemResponses(401, 403, 404),
    },
  });
  app.openapi(closeRoute, async (c) => c.json(await closeMotion(deps, c.req.valid('param').id), 200));
}
