/** The rolling action plan: read by anyone, added to and updated by partnership admins (If-Match, history). */
import * as z from 'zod/mini';
import { RecordNotFound } from '../../domain/errors.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { paginate } from '../../domain/pagination.ts';
import type { Clock } from '../../domain/ports.ts';
import { ACTION_STATUSES, type Action, RAG_RATINGS, type RecordsRepository } from '../../domain/records.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { createAction, listActionPlan, updateAction } from '../../domain/use-cases/records.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  boundedText,
  IdParam,
  IfMatchHeader,
  IsoDateSchema,
  intBetween,
  jsonResponse,
  PlanYearSchema,
  pageQuery,
  problemResponses,
  singleLineText,
} from '../openapi-parts.ts';

const ActionSchema = lazily(() =>
  z
    .object({
      id: z.string(),
      planYear: z.string(),
      priority: z.int(),
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
    .register(z.globalRegistry, { title: 'Action' }),
);

const ActionPageSchema = lazily(() =>
  z
    .object({ actions: z.array(ActionSchema()), cursor: z.optional(z.string()) })
    .register(z.globalRegistry, { title: 'ActionPage' }),
);

const actionView = ({ version: _version, ...action }: Action) => ({
  ...action,
  updates: [...action.updates],
});

/** The action plan routes. */
export function actionPlanRoutes(deps: {
  readonly records: RecordsRepository;
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listActions,
      () => ({
        summary:
          'The rolling action plan by due date, each action with its latest update (history: GET /action-plan/{id})',
        query: z.object({
          planYear: z.optional(PlanYearSchema()),
          priority: z.optional(intBetween(1, 50, 'query')),
          status: z.optional(z.enum(ACTION_STATUSES)),
          ...pageQuery(),
        }),
        responses: { 200: jsonResponse('A page of actions', ActionPageSchema()), ...problemResponses(422) },
      }),
      async (c, { query }) => {
        const { limit, cursor, ...filter } = query;
        const { page, cursor: next } = paginate(await listActionPlan(deps.records, filter), {
          limit,
          cursor,
        });
        // Lists carry each action's latest update; GET /action-plan/{id} has the whole history.
        return c.json({ actions: page.map(actionView), cursor: next }, 200);
      },
    ),
    defineRoute(
      ROUTES.createAction,
      () => ({
        summary: 'Add an action to the plan',
        body: z.strictObject({
          planYear: PlanYearSchema(),
          priority: intBetween(1, 50),
          title: singleLineText(300),
          leadOrganisationId: z.string().check(z.maxLength(100)),
          dueOn: IsoDateSchema(),
        }),
        responses: {
          201: jsonResponse('Added', ActionSchema(), ['ETag', 'Location']),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { body }) => {
        const action = await createAction(deps, { principal: c.var.principal, ...body });
        c.header('ETag', etagOf(action.version));
        c.header('Location', `/action-plan/${action.id}`);
        return c.json(actionView(action), 201);
      },
    ),
    defineRoute(
      ROUTES.getAction,
      () => ({
        summary: 'One action and its history (ETag for updates)',
        params: IdParam(),
        responses: { 200: jsonResponse('Action', ActionSchema(), ['ETag']), ...problemResponses(404, 422) },
      }),
      async (c, { params }) => {
        const action = await deps.records.getAction(params.id);
        if (!action) throw new RecordNotFound('Action');
        c.header('ETag', etagOf(action.version));
        return c.json(actionView(action), 200);
      },
    ),
    defineRoute(
      ROUTES.updateAction,
      () => ({
        summary: 'Record progress: status, RAG rating and a note (If-Match required)',
        params: IdParam(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          note: boundedText(2000),
          status: z.optional(z.enum(ACTION_STATUSES)),
          rag: z.optional(z.enum(RAG_RATINGS)),
        }),
        responses: {
          200: jsonResponse('Updated', ActionSchema()),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) => {
        const action = await updateAction(deps, {
          principal: c.var.principal,
          id: params.id,
          ifMatch: headers['if-match'],
          ...body,
        });
        c.header('ETag', etagOf(action.version));
        return c.json(actionView(action), 200);
      },
    ),
  ];
}
