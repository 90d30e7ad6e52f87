/** The partnership's records: assessments, the rolling action plan and meetings (public reads, staff writes). */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { RecordNotFound } from '../domain/errors.ts';
import type { GovernanceRepository } from '../domain/governance-ports.ts';
import { paginate } from '../domain/pagination.ts';
import type { Clock } from '../domain/ports.ts';
import { ACTION_STATUSES, MEETING_KINDS, RAG_RATINGS, type RecordsRepository } from '../domain/records.ts';
import type { StaffTokenVerifier } from '../domain/staff.ts';
import { etagOf, getMotion } from '../domain/use-cases/governance-writes.ts';
import {
  createAction,
  createMeeting,
  listActionPlan,
  publishMinutes,
  updateAction,
} from '../domain/use-cases/records.ts';
import {
  boundedText,
  IfMatchHeader,
  IsoDateSchema,
  PlanYearSchema,
  pageQuery,
  problemResponses,
  staffOnly,
} from './openapi-parts.ts';
import { requireStaff, type StaffVariables } from './staff-auth.ts';

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

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

const MeetingSchema = z
  .object({
    id: z.string(),
    kind: z.enum(MEETING_KINDS),
    date: z.string(),
    attendees: z.array(z.string()),
    agenda: z.array(z.string()),
    motionIds: z.array(z.string()),
    minutes: z.object({ publishedOn: z.string(), text: z.string() }).nullable(),
  })
  .openapi('Meeting');

/** Adds the records routes to `app`. */
export function registerRecordsRoutes(
  // biome-ignore lint/suspicious/noExplicitAny: the app's Env type belongs to app.ts
  app: OpenAPIHono<any>,
  deps: {
    records: RecordsRepository;
    governance: GovernanceRepository;
    clock: Clock;
    verifier: StaffTokenVerifier;
  },
): void {
  const admin = requireStaff(deps.verifier, 'partnership-admin');
  const meetingView = ({
    motionIds,
    ...m
  }: Awaited<ReturnType<RecordsRepository['listMeetings']>>[number]) => ({
    ...m,
    motionIds: [...(motionIds ?? [])],
    attendees: [...m.attendees],
    agenda: [...m.agenda],
    minutes: m.minutes ?? null,
  });
  const actionView = ({
    version: _version,
    ...a
  }: Awaited<ReturnType<RecordsRepository['listActions']>>[number]) => ({
    ...a,
    updates: [...a.updates],
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/assessments',
      summary: 'Annual strategic assessments, newest first',
      responses: { 200: { description: 'Assessments' }, ...problemResponses(500) },
    }),
    async (c) => c.json({ assessments: await deps.records.listAssessments() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/action-plan',
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
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const { page, cursor: next } = paginate(await listActionPlan(deps.records, filter), { limit, cursor });
      // Lists carry each action's latest update; GET /action-plan/{id} has the whole history.
      return c.json({ actions: page.map(actionView), cursor: next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/action-plan',
      summary: 'Add an action to the plan',
      security: staffOnly,
      middleware: [admin] as const,
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
      responses: {
        201: { description: 'Added', content: { 'application/json': { schema: ActionSchema } } },
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => {
      const action = await createAction(deps, {
        principal: (c.var as StaffVariables).principal,
        ...c.req.valid('json'),
      });
      c.header('ETag', etagOf(action.version));
      c.header('Location', `/action-plan/${action.id}`);
      return c.json(actionView(action), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/action-plan/{id}',
      summary: 'One action and its history (ETag for updates)',
      request: { params: IdParam },
      responses: {
        200: { description: 'Action', content: { 'application/json': { schema: ActionSchema } } },
        ...problemResponses(404, 422),
      },
    }),
    async (c) => {
      const action = await deps.records.getAction(c.req.valid('param').id);
      if (!action) throw new RecordNotFound('Action');
      c.header('ETag', etagOf(action.version));
      return c.json(actionView(action), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/action-plan/{id}',
      summary: 'Record progress: status, RAG rating and a note (If-Match required)',
      security: staffOnly,
      middleware: [admin] as const,
      request: {
        params: IdParam,
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
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: ActionSchema } } },
        ...problemResponses(401, 403, 404, 412, 422, 428),
      },
    }),
    async (c) => {
      const action = await updateAction(deps, {
        principal: (c.var as StaffVariables).principal,
        id: c.req.valid('param').id,
        ifMatch: c.req.valid('header')['if-match'],
        ...c.req.valid('json'),
      });
      c.header('ETag', etagOf(action.version));
      return c.json(actionView(action), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/meetings',
      summary: 'Meetings, newest first, with published minutes',
      request: { query: z.object({ kind: z.enum(MEETING_KINDS).optional(), ...pageQuery }) },
      responses: {
        200: {
          description: 'A page of meetings',
          content: {
            'application/json': {
              schema: z.object({ meetings: z.array(MeetingSchema), cursor: z.string().optional() }),
            },
          },
        },
        ...problemResponses(422),
      },
    }),
    async (c) => {
      const { kind, limit, cursor } = c.req.valid('query');
      const meetings = (await deps.records.listMeetings()).filter((m) => !kind || m.kind === kind);
      const { page, cursor: next } = paginate(meetings, { limit, cursor });
      return c.json({ meetings: page.map(meetingView), cursor: next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/meetings/{id}',
      summary: 'A meeting, its published minutes, and the motions put to it with their results',
      request: { params: IdParam },
      responses: { 200: { description: 'Meeting' }, ...problemResponses(404, 422) },
    }),
    async (c) => {
      const meeting = await deps.records.getMeeting(c.req.valid('param').id);
      if (!meeting) throw new RecordNotFound('Meeting');
      const motions = await Promise.all((meeting.motionIds ?? []).map((id) => getMotion(deps, id)));
      c.header('ETag', etagOf(meeting.version));
      return c.json({ ...meetingView(meeting), motions }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/meetings',
      summary: 'Schedule a meeting',
      security: staffOnly,
      middleware: [admin] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.strictObject({
                kind: z.enum(MEETING_KINDS),
                date: IsoDateSchema,
                attendees: z.array(z.string().max(100)).max(100),
                agenda: z.array(boundedText(500)).max(50),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'Scheduled', content: { 'application/json': { schema: MeetingSchema } } },
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => {
      const meeting = await createMeeting(deps, c.req.valid('json'));
      c.header('Location', `/meetings/${meeting.id}`);
      return c.json(meetingView(meeting), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/meetings/{id}/minutes',
      summary: 'Publish (or correct) the minutes of a meeting',
      security: staffOnly,
      middleware: [admin] as const,
      request: {
        params: IdParam,
        headers: IfMatchHeader,
        body: {
          required: true,
          content: { 'application/json': { schema: z.strictObject({ text: boundedText(50_000) }) } },
        },
      },
      responses: {
        200: { description: 'Published', content: { 'application/json': { schema: MeetingSchema } } },
        ...problemResponses(401, 403, 404, 412, 422, 428),
      },
    }),
    async (c) => {
      const meeting = await publishMinutes(deps, {
        principal: (c.var as StaffVariables).principal,
        id: c.req.valid('param').id,
        text: c.req.valid('json').text,
        ifMatch: c.req.valid('header')['if-match'],
      });
      c.header('ETag', etagOf(meeting.version));
      return c.json(meetingView(meeting), 200);
    },
  );
}
