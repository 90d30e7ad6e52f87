/**
 * `npm run token -- --role <role> [--org <organisation id>] [--agency <agency id>] [--user <name>]`: prints a
 * staff token from the running local cloud's user pool, for `Authorization: Bearer <token>`. Roles:
 * partnership-admin, csu-officer, agency-officer (with --agency, the agency whose referrals they work),
 * partner-representative (with --org, the organisation they vote for). --user names the officer (the token's
 * subject, e.g. for `assignedTo=me`).
 */
import { parseArgs } from 'node:util';
import { STAFF_ROLES } from '../functions/domain/staff.ts';
import { portsFromEnv } from './ports.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    org: { type: 'string' },
    agency: { type: 'string' },
    user: { type: 'string' },
  },
});
if (!values.role || !STAFF_ROLES.includes(values.role as (typeof STAFF_ROLES)[number])) {
  process.stderr.write(
    `Usage: npm run token -- --role <${STAFF_ROLES.join('|')}> [--org <organisation id>] [--agency <agency id>] [--user <name>]\n`,
  );
  process.exit(2);
}
// Without their agency an agency officer's token would see nothing at all: say so now, not as an empty inbox.
if (values.role === 'agency-officer' && !values.agency) {
  process.stderr.write(
    'An agency officer works for one agency: add --agency <agency id>, e.g. --agency kent-police\n',
  );
  process.exit(2);
}
const url = `http://127.0.0.1:${portsFromEnv().aws}/_local/auth/token`;
try {
  const response = await fetch(url, {
    method: 'POST',
    body: JSON.stringify({
      role: values.role,
      organisationId: values.org,
      agencyId: values.agency,
      subject: values.user,
    }),
  });
  const body = (await response.json()) as { token?: string; message?: string };
  if (!body.token) {
    process.stderr.write(`No token: ${body.message ?? response.status}\n`);
    process.exit(1);
  }
  process.stdout.write(`${body.token}\n`);
} catch {
  process.stderr.write(`The local cloud is not running at ${url}: start it with npm start.\n`);
  process.exit(1);
}
