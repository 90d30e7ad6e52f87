/** Meetings of the partnership: read by anyone with their minutes and motions; scheduled and minuted by admins. */
import * as z from 'zod/mini';
import { RecordNotFound } from '../../domain/errors.ts';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import { paginate } from '../../domain/pagination.ts';
import type { Clock } from '../../domain/ports.ts';
import { MEETING_KINDS, type Meeting, type RecordsRepository } from '../../domain/records.ts';
import { etagOf, getMotion } from '../../domain/use-cases/governance-writes.ts';
import { createMeeting, publishMinutes } from '../../domain/use-cases/records.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  boundedText,
  IdParam,
  IfMatchHeader,
  IsoDateSchema,
  jsonResponse,
  pageQuery,
  problemResponses,
} from '../openapi-parts.ts';
import { MotionSchema } from './motions.ts';

const meetingFields = () => ({
  id: z.string(),
  kind: z.enum(MEETING_KINDS),
  date: z.string(),
  attendees: z.array(z.string()),
  agenda: z.array(z.string()),
  motionIds: z.array(z.string()),
  minutes: z.nullable(z.object({ publishedOn: z.string(), text: z.string() })),
});
const MeetingSchema = lazily(() =>
  z.object(meetingFields()).register(z.globalRegistry, { title: 'Meeting' }),
);
const MeetingWithMotionsSchema = lazily(() =>
  z
    .object({ ...meetingFields(), motions: z.array(MotionSchema()) })
    .register(z.globalRegistry, { title: 'MeetingWithMotions' }),
);
const MeetingPageSchema = lazily(() =>
  z
    .object({ meetings: z.array(MeetingSchema()), cursor: z.optional(z.string()) })
    .register(z.globalRegistry, { title: 'MeetingPage' }),
);

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
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.listMeetings,
      () => ({
        summary: 'Meetings, newest first, with published minutes',
        query: z.object({ kind: z.optional(z.enum(MEETING_KINDS)), ...pageQuery() }),
        responses: { 200: jsonResponse('A page of meetings', MeetingPageSchema()), ...problemResponses(422) },
      }),
      async (c, { query }) => {
        const meetings = (await deps.records.listMeetings()).filter(
          (m) => !query.kind || m.kind === query.kind,
        );
        const { page, cursor } = paginate(meetings, { limit: query.limit, cursor: query.cursor });
        return c.json({ meetings: page.map(meetingView), cursor }, 200);
      },
    ),
    defineRoute(
      ROUTES.getMeeting,
      () => ({
        summary: 'A meeting, its published minutes, and the motions put to it with their results',
        params: IdParam(),
        responses: {
          200: jsonResponse('Meeting', MeetingWithMotionsSchema(), ['ETag']),
          ...problemResponses(404, 422),
        },
      }),
      async (c, { params }) => {
        const meeting = await deps.records.getMeeting(params.id);
        if (!meeting) throw new RecordNotFound('Meeting');
        const motions = await Promise.all((meeting.motionIds ?? []).map((id) => getMotion(deps, id)));
        c.header('ETag', etagOf(meeting.version));
        return c.json({ ...meetingView(meeting), motions }, 200);
      },
    ),
    defineRoute(
      ROUTES.createMeeting,
      () => ({
        summary: 'Schedule a meeting',
        body: z.strictObject({
          kind: z.enum(MEETING_KINDS),
          date: IsoDateSchema(),
          attendees: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(100)),
          agenda: z.array(boundedText(500)).check(z.maxLength(50)),
        }),
        responses: {
          201: jsonResponse('Scheduled', MeetingSchema(), ['Location']),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { body }) => {
        const meeting = await createMeeting(deps, body);
        c.header('Location', `/meetings/${meeting.id}`);
        return c.json(meetingView(meeting), 201);
      },
    ),
    defineRoute(
      ROUTES.publishMinutes,
      () => ({
        summary: 'Publish (or correct) the minutes of a meeting (If-Match required)',
        params: IdParam(),
        headers: IfMatchHeader(),
        body: z.strictObject({ text: boundedText(50_000) }),
        responses: {
          200: jsonResponse('Published', MeetingSchema()),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) => {
        const meeting = await publishMinutes(deps, {
          principal: c.var.principal,
          id: params.id,
          text: body.text,
          ifMatch: headers['if-match'],
        });
        c.header('ETag', etagOf(meeting.version));
        return c.json(meetingView(meeting), 200);
      },
    ),
  ];
}
