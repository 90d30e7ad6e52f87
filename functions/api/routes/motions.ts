/** Motions put to the partnership and the votes on them: admins propose and close, representatives vote. */
import * as z from 'zod/mini';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { Clock } from '../../domain/ports.ts';
import type { RecordsRepository } from '../../domain/records.ts';
import { castVote, closeMotion, createMotion, getMotion } from '../../domain/use-cases/governance-writes.ts';
import { VOTE_CHOICES } from '../../domain/voting.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  documented,
  IdParam,
  IsoDateSchema,
  intBetween,
  jsonResponse,
  problemResponses,
  singleLineText,
} from '../openapi-parts.ts';
import { PROBLEM_CONTENT_TYPE } from '../problem.ts';

/** A motion with its votes and result; a meeting lists the motions put to it in this shape too. */
export const MotionSchema = lazily(() =>
  z
    .object({
      id: z.string(),
      title: z.string(),
      status: z.enum(['open', 'closed']),
      quorum: z.int(),
      date: documented(z.string(), {
        description: 'The day it is decided on: the organisations with voting rights that day vote',
      }),
      voters: documented(z.array(z.object({ id: z.string(), name: z.string() })), {
        description: 'Who may vote: the statutory partners on `date`',
      }),
      createdAt: z.string(),
      closedAt: z.optional(z.string()),
      meetingId: z.optional(z.string()),
      votes: z.array(z.object({ organisationId: z.string(), choice: z.enum(VOTE_CHOICES) })),
      result: z.object({
        for: z.int(),
        against: z.int(),
        abstain: z.int(),
        turnout: z.int(),
        quorate: z.boolean(),
        outcome: z.enum(['carried', 'defeated', 'tied', 'inquorate']),
      }),
    })
    .register(z.globalRegistry, { title: 'Motion' }),
);

/** The motion routes. */
export function motionRoutes(deps: {
  readonly governance: GovernanceRepository;
  readonly records: RecordsRepository;
  readonly clock: Clock;
}): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.createMotion,
      () => ({
        summary: 'Put a motion to the partnership',
        body: z.strictObject({
          title: singleLineText(300),
          quorum: z.optional(intBetween(1, 100)),
          meetingId: z.optional(z.uuid()),
          date: z.optional(
            documented(IsoDateSchema(), {
              description: 'The day it is decided on (default: its meeting’s date, else today)',
            }),
          ),
        }),
        responses: {
          201: jsonResponse('Created', MotionSchema(), ['Location']),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { body }) => {
        const motion = await createMotion(deps, body);
        c.header('Location', `/motions/${motion.id}`);
        return c.json(motion, 201);
      },
    ),
    defineRoute(
      ROUTES.getMotion,
      () => ({
        summary: 'A motion, its votes and its result',
        params: IdParam(),
        responses: { 200: jsonResponse('Motion', MotionSchema()), ...problemResponses(404, 422) },
      }),
      async (c, { params }) => c.json(await getMotion(deps, params.id), 200),
    ),
    defineRoute(
      ROUTES.castVote,
      () => ({
        summary: "Cast the caller's organisation's vote (statutory partners only, once)",
        params: IdParam(),
        body: z.strictObject({ choice: z.enum(VOTE_CHOICES) }),
        responses: {
          201: jsonResponse('Recorded', MotionSchema()),
          ...problemResponses(401, 403, 404, 409, 422),
        },
      }),
      async (c, { params, body }) => {
        const motion = await castVote(deps, {
          principal: c.var.principal,
          motionId: params.id,
          choice: body.choice,
        });
        return c.json(motion, 201);
      },
    ),
    defineRoute(
      ROUTES.closeMotion,
      () => ({
        summary: 'Close a motion; its result is final',
        params: IdParam(),
        responses: {
          200: jsonResponse('Closed', MotionSchema()),
          ...problemResponses(401, 403, 404),
          409: {
            description: 'The motion is already closed (motion-closed)',
            contentType: PROBLEM_CONTENT_TYPE,
          },
        },
      }),
      async (c, { params }) => c.json(await closeMotion(deps, params.id), 200),
    ),
  ];
}
