import type { AuditQuery, AuditRecord, AuditTrail } from '../audit.ts';
import { NotPermitted, ValidationFailed } from '../errors.ts';
import type { Page } from '../ports.ts';
import type { StaffPrincipal } from '../staff.ts';

/** Reads the audit trail for a partnership admin. */
export async function readAuditTrail(
  deps: { audit: AuditTrail },
  principal: StaffPrincipal,
  query: AuditQuery,
): Promise<Page<AuditRecord>> {
  if (!principal.roles.includes('partnership-admin')) throw new NotPermitted(['partnership-admin']);
  if (query.from !== undefined && query.before !== undefined && query.from >= query.before) {
    throw new ValidationFailed([{ field: 'from', message: 'must be before to' }]);
  }
  return deps.audit.list(query);
}
