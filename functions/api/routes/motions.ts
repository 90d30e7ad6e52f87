/** Motions put to the partnership and the votes on them: admins propose and close, representatives vote. */
import { z } from '@hono/zod-openapi';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import type { RecordsRepository } from '../../domain/records.ts';
import { castVote, closeMotion, createMotion, getMotion } from '../../domain/use-cases/governance-writes.ts';
import { VOTE_CHOICES } from '../../domain/voting.ts';
import { ROUTES } from '../../topology.ts';
import { createRouter, publicRoute, staffRoute } from '../define-route.ts';
import { problemResponses, singleLineText } from '../openapi-parts.ts';

/** A motion with its votes and result; meetings list the motions put to them in this shape too. */
export const MotionSchema = z
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

const MotionIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const motionResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: MotionSchema } },
});

const createMotionRoute = staffRoute(ROUTES.createMotion, {
  summary: 'Put a motion to the partnership',
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
  responses: { 201: motionResponse('Created'), ...problemResponses(401, 403, 422) },
});

const getMotionRoute = publicRoute(ROUTES.getMotion, {
  summary: 'A motion, its votes and its result',
  request: { params: MotionIdParam },
  responses: { 200: motionResponse('Motion'), ...problemResponses(404, 422) },
});

const castVoteRoute = staffRoute(ROUTES.castVote, {
  summary: "Cast the caller's organisation's vote (statutory partners only, once)",
  request: {
    params: MotionIdParam,
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ choice: z.enum(VOTE_CHOICES) }) } },
    },
  },
  responses: { 201: motionResponse('Recorded'), ...problemResponses(401, 403, 404, 409, 422) },
});

const closeMotionRoute = staffRoute(ROUTES.closeMotion, {
  summary: 'Close a motion; its result is final',
  request: { params: MotionIdParam },
  responses: { 200: motionResponse('Closed'), ...problemResponses(401, 403, 404) },
});

/** The motion routes. */
export function motionRoutes(deps: {
  readonly governance: GovernanceRepository;
  readonly records: RecordsRepository;
  readonly clock: Clock;
}) {
  return createRouter()
    .openapi(createMotionRoute, async (c) => {
      const motion = await createMotion(deps, c.req.valid('json'));
      c.header('Location', `/motions/${motion.id}`);
      return c.json(motion, 201);
    })
    .openapi(getMotionRoute, async (c) => c.json(await getMotion(deps, c.req.valid('param').id), 200))
    .openapi(castVoteRoute, async (c) => {
      const motion = await castVote(deps, {
        principal: c.var.principal,
        motionId: c.req.valid('param').id,
        choice: c.req.valid('json').choice,
      });
      return c.json(motion, 201);
    })
    .openapi(closeMotionRoute, async (c) => c.json(await closeMotion(deps, c.req.valid('param').id), 200));
}
