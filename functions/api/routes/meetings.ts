/** Meetings of the partnership: read by anyone with their minutes and motions; scheduled and minuted by admins. */
import { z } from '@hono/zod-openapi';
import { RecordNotFound } from '../../domain/errors.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { paginate } from '../../domain/pagination.ts';
import type { Clock } from '../../domain/ports.ts';
import { MEETING_KINDS, type Meeting, type RecordsRepository } from '../../domain/records.ts';
import { etagOf, getMotion } from '../../domain/use-cases/governance-writes.ts';
import { createMeeting, publishMinutes } from '../../domain/use-cases/records.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute, staffRoute } from '../define-route.ts';
import { boundedText, IfMatchHeader, IsoDateSchema, pageQuery, problemResponses } from '../openapi-parts.ts';
import { MotionSchema } from './motions.ts';

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

const MeetingIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const meetingResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: MeetingSchema } },
});

const listMeetingsRoute = publicRoute(ROUTES.listMeetings, {
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
});

const getMeetingRoute = publicRoute(ROUTES.getMeeting, {
  summary: 'A meeting, its published minutes, and the motions put to it with their results',
  request: { params: MeetingIdParam },
  responses: {
    200: {
      description: 'Meeting',
      content: {
        'application/json': { schema: MeetingSchema.extend({ motions: z.array(MotionSchema) }) },
      },
    },
    ...problemResponses(404, 422),
  },
});

const createMeetingRoute = staffRoute(ROUTES.createMeeting, {
  summary: 'Schedule a meeting',
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
  responses: { 201: meetingResponse('Scheduled'), ...problemResponses(401, 403, 422) },
});

const publishMinutesRoute = staffRoute(ROUTES.publishMinutes, {
  summary: 'Publish (or correct) the minutes of a meeting',
  request: {
    params: MeetingIdParam,
    headers: IfMatchHeader,
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ text: boundedText(50_000) }) } },
    },
  },
  responses: { 200: meetingResponse('Published'), ...problemResponses(401, 403, 404, 412, 422, 428) },
});

const meetingView = ({ motionIds, version: _version, ...meeting }: Meeting) => ({
  ...meeting,
  motionIds: [...(motionIds ?? [])],
  attendees: [...meeting.attendees],
  agenda: [...meeting.agenda],
  minutes: meeting.minutes ?? null,
});

/** The meeting routes. */
export function meetingRoutes(deps: {
  readonly records: RecordsRepository;
  readonly governance: GovernanceRepository;
  readonly clock: Clock;
}) {
  return createRouter()
    .openapi(listMeetingsRoute, async (c) => {
      const { kind, limit, cursor } = c.req.valid('query');
      const meetings = (await deps.records.listMeetings()).filter((m) => !kind || m.kind === kind);
      const { page, cursor: next } = paginate(meetings, { limit, cursor });
      return c.json({ meetings: page.map(meetingView), cursor: next }, 200);
    })
    .openapi(getMeetingRoute, async (c) => {
      const meeting = await deps.records.getMeeting(c.req.valid('param').id);
      if (!meeting) throw new RecordNotFound('Meeting');
      const motions = await Promise.all((meeting.motionIds ?? []).map((id) => getMotion(deps, id)));
      c.header('ETag', etagOf(meeting.version));
      return c.json({ ...meetingView(meeting), motions }, 200);
    })
    .openapi(createMeetingRoute, async (c) => {
      const meeting = await createMeeting(deps, c.req.valid('json'));
      c.header('Location', `/meetings/${meeting.id}`);
      return c.json(meetingView(meeting), 201);
    })
    .openapi(publishMinutesRoute, async (c) => {
      const meeting = await publishMinutes(deps, {
        principal: c.var.principal,
        id: c.req.valid('param').id,
        text: c.req.valid('json').text,
        ifMatch: c.req.valid('header')['if-match'],
      });
      c.header('ETag', etagOf(meeting.version));
      return c.json(meetingView(meeting), 200);
    });
}
