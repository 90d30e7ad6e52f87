/**
 * The history route every audited record has: its audit trail (who changed what, when, before and after),
 * newest first, read from the entity name the use case wrote it under.
 */
import type * as z from 'zod/mini';
import type { GovernanceRepository } from '../../domain/governance-ports.ts';
import type { RouteSpec } from '../../topology.ts';
import { defineRoute, type RouteDefinition } from '../define-route.ts';
import { AuditTrailSchema, jsonResponse, problemResponses } from '../openapi-parts.ts';

/**
 * The route of `spec` answering the audit trail of the record its path names: `params` validates the path,
 * `entityOf` names the record as its audit entries do. `what` says what it is, for the summary.
 */
export function historyRoute<P extends z.ZodMiniObject>(
  spec: RouteSpec,
  what: string,
  path: { params?: () => P; entityOf: (params: z.output<P>) => string },
  governance: Pick<GovernanceRepository, 'listAudit'>,
): RouteDefinition {
  return defineRoute(
    spec,
    () => ({
      summary: `Every change to ${what}: who, when, before and after`,
      params: path.params?.(),
      responses: {
        200: jsonResponse('Audit entries, newest first', AuditTrailSchema()),
        ...problemResponses(401, 403, ...(path.params ? [422] : [])),
      },
    }),
    async (c, { params }) =>
      c.json({ entries: await governance.listAudit(path.entityOf(params as z.output<P>)) }, 200),
  );
}
