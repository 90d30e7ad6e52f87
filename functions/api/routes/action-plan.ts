/** The rolling action plan: read by anyone, added to and updated by partnership admins (If-Match, history). */
import { z } from '@hono/zod-openapi';
import { RecordNotFound } from '../../domain/errors.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { paginate } from '../../domain/pagination.ts';
import type { Clock } from '../../domain/ports.ts';
import { ACTION_STATUSES, type Action, RAG_RATINGS, type RecordsRepository } from '../../domain/records.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { createAction, listActionPlan, updateAction } from '../../domain/use-cases/records.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute, staffRoute } from '../define-route.ts';
import {
  boundedText,
  IfMatchHeader,
  IsoDateSchema,
  PlanYearSchema,
  pageQuery,
  problemResponses,
} from '../openapi-parts.ts';

const ActionSchema = z
  .object({
    id: z.string(),
    planYear: z.string(),
    priority: z.number().int(),
    title: z.string(),
    leadOrganisationId: z.string(),
    dueOn: z.string(),
    status: z.enum(ACTION_STATUSES),
    rag: z.enum(RAG_RATINGS),
    updates: z.array(
      z.object({
        at: z.string(),
        actor: z.string(),
        note: z.string(),
        status: z.enum(ACTION_STATUSES),
        rag: z.enum(RAG_RATINGS),
      }),
    ),
  })
  .openapi('Action');

const ActionIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const actionResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ActionSchema } },
});

const listActionsRoute = publicRoute(ROUTES.listActions, {
  summary:
    'The rolling action plan by due date, each action with its latest update (history: GET /action-plan/{id})',
  request: {
    query: z.object({
      planYear: PlanYearSchema.optional(),
      priority: z.coerce.number().int().min(1).max(50).optional(),
      status: z.enum(ACTION_STATUSES).optional(),
      ...pageQuery,
    }),
  },
  responses: {
    200: {
      description: 'A page of actions',
      content: {
        'application/json': {
          schema: z.object({ actions: z.array(ActionSchema), cursor: z.string().optional() }),
        },
      },
    },
    ...problemResponses(422),
  },
});

const createActionRoute = staffRoute(ROUTES.createAction, {
  summary: 'Add an action to the plan',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            planYear: PlanYearSchema,
            priority: z.number().int().min(1).max(50),
            title: boundedText(300),
            leadOrganisationId: z.string().max(100),
            dueOn: IsoDateSchema,
          }),
        },
      },
    },
  },
  responses: { 201: actionResponse('Added'), ...problemResponses(401, 403, 422) },
});

const getActionRoute = publicRoute(ROUTES.getAction, {
  summary: 'One action and its history (ETag for updates)',
  request: { params: ActionIdParam },
  responses: { 200: actionResponse('Action'), ...problemResponses(404, 422) },
});

const updateActionRoute = staffRoute(ROUTES.updateAction, {
  summary: 'Record progress: status, RAG rating and a note (If-Match required)',
  request: {
    params: ActionIdParam,
    headers: IfMatchHeader,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            note: boundedText(2000),
            status: z.enum(ACTION_STATUSES).optional(),
            rag: z.enum(RAG_RATINGS).optional(),
          }),
        },
      },
    },
  },
  responses: { 200: actionResponse('Updated'), ...problemResponses(401, 403, 404, 412, 422, 428) },
});

const actionView = ({ version: _version, ...action }: Action) => ({
  ...action,
  updates: [...action.updates],
});

/** The action plan routes. */
export function actionPlanRoutes(deps: {
  readonly records: RecordsRepository;
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}) {
  return createRouter()
    .openapi(listActionsRoute, async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const { page, cursor: next } = paginate(await listActionPlan(deps.records, filter), { limit, cursor });
      // Lists carry each action's latest update; GET /action-plan/{id} has the whole history.
      return c.json({ actions: page.map(actionView), cursor: next }, 200);
    })
    .openapi(createActionRoute, async (c) => {
      const action = await createAction(deps, { principal: c.var.principal, ...c.req.valid('json') });
      c.header('ETag', etagOf(action.version));
      c.header('Location', `/action-plan/${action.id}`);
      return c.json(actionView(action), 201);
    })
    .openapi(getActionRoute, async (c) => {
      const action = await deps.records.getAction(c.req.valid('param').id);
      if (!action) throw new RecordNotFound('Action');
      c.header('ETag', etagOf(action.version));
      return c.json(actionView(action), 200);
    })
    .openapi(updateActionRoute, async (c) => {
      const action = await updateAction(deps, {
        principal: c.var.principal,
        id: c.req.valid('param').id,
        ifMatch: c.req.valid('header')['if-match'],
        ...c.req.valid('json'),
      });
      c.header('ETag', etagOf(action.version));
      return c.json(actionView(action), 200);
    });
}
