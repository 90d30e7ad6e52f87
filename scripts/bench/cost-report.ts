/**
 * Renders "DynamoDB requests per API call" and the cost model per 100,000 enquiries from the counts
 * measured by dynamo-calls.ts. Prices are list prices looked up by hand (see PRICES) and are not fetched.
 */
import { FUNCTIONS, type FunctionName } from '../../functions/topology.ts';
import type { CallTally, DynamoCallsResult } from './dynamo-calls.ts';
import { scansOf } from './targets.ts';

/** Date the prices below were looked up. */
export const PRICES_LOOKED_UP = '2026-11-26';

/** AWS list prices (USD, us-east-1 — the region the sources quote; the stack itself deploys to eu-west-2). */
const PRICES = {
  apiGatewayRestPerMillion: {
    usd: 3.5,
    source:
      'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html (REST: first 333 M requests/month $3.50 per million); same figure for US East in https://awsforengineers.com/blog/aws-api-gateway-pricing-explained',
  },
  lambdaRequestsPerMillion: {
    usd: 0.2,
    source:
      'https://cloudchipr.com/blog/aws-lambda-pricing (US East (N. Virginia)); $0.20 / 1M for both architectures also in https://git.mcrn.ar/mariano/lambda_local_runner (docs/lambdas-md/lambda-13-cost.md)',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    source:
      'https://cloudchipr.com/blog/aws-lambda-pricing (Arm, first 7.5 billion GB-s/month, US East (N. Virginia))',
  },
  dynamoWruPerMillion: {
    usd: 0.625,
    source:
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (on-demand, US East: $0.625 per million WRU)',
  },
  dynamoRruPerMillion: {
    usd: 0.125,
    source:
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (on-demand, US East: $0.125 per million RRU)',
  },
  eventBridgeCustomPerMillion: {
    usd: 1.0,
    source:
      'https://cloudburn.io/blog/amazon-eventbridge-pricing (custom events $1.00 per million, US East (N. Virginia), March 2026)',
  },
  sqsStandardPerMillion: {
    usd: 0.4,
    source:
      'https://cloudburn.io/blog/amazon-sqs-pricing (standard $0.40 per million requests, first 100 B/month, US East (N. Virginia), March 2026)',
  },
  sesPerThousand: {
    usd: 0.1,
    source:
      'https://www.acecloudinterviews.com/tutorials/aws/ses/ ("starting at $0.10 per thousand emails"; region not stated, assumed us-east-1 à-la-carte outbound; SES added named pricing plans in 2026 per https://raw.githubusercontent.com/api-evangelist/amazon-ses/refs/heads/main/plans/amazon-ses-plans-pricing.yml — not modelled)',
  },
  kmsPer10k: {
    usd: 0.03,
    source:
      'https://www.wring.co/blog/aws-kms-pricing-guide ($0.03 per 10,000 symmetric requests; $1/key/month storage per https://aws.amazon.com/kms/pricing/)',
  },
} as const;

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const PER = 100_000;

const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const num = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const usd = (v: number) => `$${v.toFixed(v < 1 ? 4 : 2)}`;

function sum(record: Record<string, number>, filter: (key: string) => boolean = () => true): number {
  return Object.entries(record)
    .filter(([k]) => filter(k))
    .reduce((a, [, v]) => a + v, 0);
}

function breakdown(record: Record<string, number>, per: number): string {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '0';
  return entries.map(([k, v]) => `${k} ${num(v / per)}`).join(', ');
}

function merge(tallies: CallTally[]): CallTally {
  const out: CallTally = { commands: {}, consistentReads: {}, capacity: {}, unreported: 0 };
  for (const t of tallies) {
    for (const key of ['commands', 'consistentReads', 'capacity'] as const) {
      for (const [k, v] of Object.entries(t[key])) out[key][k] = (out[key][k] ?? 0) + v;
    }
    out.unreported += t.unreported;
  }
  return out;
}

export function renderDynamoCalls(result: DynamoCallsResult): string {
  const { n, async: a } = result;
  const found = scansOf(result);
  const scanLine =
    found.length === 0
      ? '**Scan: none** — no route and neither consumer issued a single Scan.'
      : `**⚠️ SCAN DETECTED ⚠️ — ${found.join('; ')}. Every Scan reads the whole table; replace it with a Query.**`;
  const routeRows = result.routes.map((r) => {
    const total = sum(r.api.commands);
    const reads = sum(r.api.commands, (k) => READS.has(k));
    const other = sum(r.other);
    return [
      r.label,
      r.n,
      `**${num(total / r.n)}**`,
      breakdown(r.api.commands, r.n),
      num(reads / r.n),
      breakdown(r.api.consistentReads, r.n),
      num(sum(r.api.capacity, (k) => READS.has(k)) / r.n),
      num(sum(r.api.capacity, (k) => !READS.has(k)) / r.n),
      r.failures,
      other > 0 ? `${other} (router/mailer, excluded)` : '0',
    ];
  });
  const fnRows = (['api', 'router', 'mailer'] as FunctionName[]).map((fn) => {
    const t = a.byFunction[fn] ?? { commands: {}, consistentReads: {}, capacity: {}, unreported: 0 };
    const inv = a.invocations[fn];
    return [
      fn,
      inv ? num(inv.count / a.accepted) : '0',
      `**${num(sum(t.commands) / a.accepted)}**`,
      breakdown(t.commands, a.accepted),
      num(sum(t.capacity, (k) => READS.has(k)) / a.accepted),
      num(sum(t.capacity, (k) => !READS.has(k)) / a.accepted),
      breakdown(a.awsCalls[fn] ?? {}, a.accepted),
    ];
  });
  const asyncOnly = merge(
    ['router', 'mailer'].map((fn) => a.byFunction[fn]).filter((t): t is CallTally => !!t),
  );
  const unattributed = a.byFunction.unattributed ? sum(a.byFunction.unattributed.commands) : 0;
  const failed = Object.entries(a.invocations).filter(([, i]) => i.failed > 0);
  return `Counted on the handlers' own client: the bench imports \`documentClient\` from
functions/adapters/clients/dynamodb.ts (the same module instance the in-process handlers use) and adds an
\`initialize\`-step middleware to its \`middlewareStack\` — a quick check showed DynamoDBDocumentClient shares its
stack with the underlying DynamoDBClient (\`documentClient.middlewareStack === client.middlewareStack\`), and its
commands run as the low-level ones (\`GetCommand\` counts as GetItem). Each call is attributed to the Lambda that
made it through an AsyncLocalStorage around \`LocalLambdaRuntime.invoke\` (wrapped on the prototype from the bench,
after every other section has run). The middleware also sets \`ReturnConsumedCapacity: TOTAL\` and sums the
capacity units DynamoDB Local reports (it applies the item-size rules: 1 WRU per started KB written, 2× for
transactions, 1 RRU per 4 KB strongly consistent, 0.5 eventually consistent). n = ${n} sequential calls per route.

${scanLine}

### Per API call (api function only)

${table(
  [
    'Route',
    'n',
    'DynamoDB calls / request',
    'By command (per request)',
    'Reads / request',
    'Consistent reads / request',
    'RRU / request',
    'WRU / request',
    'Non-2xx',
    'Other calls in window',
  ],
  routeRows,
)}

The POST row counts only the api function's calls; the router and mailer start while the POSTs run, and their
calls are left to the next table. RRU of 0.00 is DynamoDB Local reporting 0 units for a Query that matched no
items (no seeded action plan or meetings); on AWS such a Query still costs its minimum (0.5 RRU eventually
consistent), which does not affect the cost model below (it prices the enquiry path only).

### Per accepted enquiry, end to end

${a.enquiries} enquiries submitted one at a time with the window open, each followed by \`<control>/idle\` before the
next (${a.accepted} accepted, ${a.emails} emails in the SES store, ${num(a.emails / a.accepted)} per enquiry; ${num(a.windowSeconds, 1)} s). In this
window one thing runs at a time (a POST, a consumer invocation or the idle check; see section 9), which changes
no call count. The last column counts the other AWS clients' calls (EventBridge, SES, SQS) the same way.

${table(['Function', 'Invocations / enquiry', 'DynamoDB calls / enquiry', 'By command (per enquiry)', 'RRU / enquiry', 'WRU / enquiry', 'Other AWS calls / enquiry'], fnRows)}
${failed.length > 0 ? `\n**Invocations that threw in this window** (their batches were retried, so the counts above include retries): ${failed.map(([fn, i]) => `${fn} ${i.failed}`).join(', ')}.\n` : ''}
Asynchronous work (router + mailer): **${num(sum(asyncOnly.commands) / a.accepted)} DynamoDB calls per enquiry**
(${breakdown(asyncOnly.commands, a.accepted)}), or ${num(sum(asyncOnly.commands) / Math.max(1, a.emails))} per email sent.${unattributed > 0 ? ` ${unattributed} calls in the window came from outside any handler (unattributed).` : ''} Invocations per enquiry depend on how the queues batch (up to 10 messages per batch): one enquiry at a time means each batch holds one enquiry's messages at most, the unbatched worst case.`;
}

export function renderCostModel(
  result: DynamoCallsResult,
  /** Median deployed import times measured in section 2 (ms), for the note on cold starts. */
  importMs: readonly number[],
): string {
  const a = result.async;
  const e = a.accepted;
  const inv = (fn: string) => (a.invocations[fn]?.count ?? 0) / e;
  const meanMs = (fn: string) => {
    const i = a.invocations[fn];
    return i && i.count > 0 ? i.totalMs / i.count : 0;
  };
  const all = merge(Object.values(a.byFunction));
  const rru = sum(all.capacity, (k) => READS.has(k)) / e;
  const wru = sum(all.capacity, (k) => !READS.has(k)) / e;
  const emails = a.emails / e;
  const referrals = (a.emails - a.acknowledgements) / e;
  const acks = a.acknowledgements / e;
  const events = 1 + referrals;
  const sqsMessages = 1 + acks + referrals;
  const sqsRequests = sqsMessages * 3;
  const fns = ['api', 'router', 'mailer'] as const;
  const gbSeconds = fns.map((fn) => ({
    fn,
    inv: inv(fn),
    ms: meanMs(fn),
    gb: FUNCTIONS[fn].memoryMb / 1024,
    gbs: inv(fn) * (Math.ceil(meanMs(fn)) / 1000) * (FUNCTIONS[fn].memoryMb / 1024),
  }));
  const invocations = gbSeconds.reduce((x, g) => x + g.inv, 0);
  const gbsTotal = gbSeconds.reduce((x, g) => x + g.gbs, 0);
  const rows: [string, string, string, number, string][] = [
    [
      'API Gateway (REST)',
      '1 POST / enquiry',
      `${PER.toLocaleString('en')} requests`,
      (PER / 1e6) * PRICES.apiGatewayRestPerMillion.usd,
      `$${PRICES.apiGatewayRestPerMillion.usd} / M`,
    ],
    [
      'Lambda requests',
      `${num(invocations)} invocations / enquiry (${gbSeconds.map((g) => `${g.fn} ${num(g.inv)}`).join(', ')})`,
      `${Math.round(invocations * PER).toLocaleString('en')} invocations`,
      ((invocations * PER) / 1e6) * PRICES.lambdaRequestsPerMillion.usd,
      `$${PRICES.lambdaRequestsPerMillion.usd} / M`,
    ],
    [
      'Lambda duration (arm64)',
      gbSeconds.map((g) => `${g.fn}: ${num(g.inv)} × ${Math.ceil(g.ms)} ms × ${g.gb} GB`).join('; '),
      `${num(gbsTotal * PER, 1)} GB-s`,
      gbsTotal * PER * PRICES.lambdaArmGbSecond.usd,
      `$${PRICES.lambdaArmGbSecond.usd} / GB-s`,
    ],
    [
      'DynamoDB writes (on-demand)',
      `${num(wru)} WRU / enquiry`,
      `${Math.round(wru * PER).toLocaleString('en')} WRU`,
      ((wru * PER) / 1e6) * PRICES.dynamoWruPerMillion.usd,
      `$${PRICES.dynamoWruPerMillion.usd} / M WRU`,
    ],
    [
      'DynamoDB reads (on-demand)',
      `${num(rru)} RRU / enquiry`,
      `${Math.round(rru * PER).toLocaleString('en')} RRU`,
      ((rru * PER) / 1e6) * PRICES.dynamoRruPerMillion.usd,
      `$${PRICES.dynamoRruPerMillion.usd} / M RRU`,
    ],
    [
      'EventBridge (custom events)',
      `1 EnquiryReceived + ${num(referrals)} EnquiryReferralRequested = ${num(events)} / enquiry`,
      `${Math.round(events * PER).toLocaleString('en')} events`,
      ((events * PER) / 1e6) * PRICES.eventBridgeCustomPerMillion.usd,
      `$${PRICES.eventBridgeCustomPerMillion.usd.toFixed(2)} / M`,
    ],
    [
      'SQS (standard)',
      `${num(sqsMessages)} messages / enquiry (1 routing + ${num(acks)} acknowledgement + ${num(referrals)} referral) × 3 requests`,
      `${Math.round(sqsRequests * PER).toLocaleString('en')} requests`,
      ((sqsRequests * PER) / 1e6) * PRICES.sqsStandardPerMillion.usd,
      `$${PRICES.sqsStandardPerMillion.usd} / M`,
    ],
    [
      'SES (outbound email)',
      `${num(emails)} emails / enquiry (measured)`,
      `${Math.round(emails * PER).toLocaleString('en')} emails`,
      ((emails * PER) / 1000) * PRICES.sesPerThousand.usd,
      `$${PRICES.sesPerThousand.usd.toFixed(2)} / 1,000`,
    ],
    [
      'KMS (table CMK)',
      '≈0 requests / enquiry (assumption, below)',
      '≈0 requests',
      0,
      `$${PRICES.kmsPer10k.usd} / 10k`,
    ],
  ];
  const total = rows.reduce((x, r) => x + r[3], 0);
  const priceList = Object.entries(PRICES)
    .map(([k, p]) => `- \`${k}\` = ${p.usd}: ${p.source}`)
    .join('\n');
  return `Per **100,000 accepted enquiries**, multiplying the per-enquiry counts measured in the end-to-end run above
(${a.accepted} enquiries) by list prices. **Region: us-east-1 (N. Virginia)** — the sources quote US East; the
stack deploys to eu-west-2 (London), where most of these prices are somewhat higher, so treat this as a floor.
Prices looked up on ${PRICES_LOOKED_UP} with the \`search\` tool (public pages, not the AWS price list API); no
free tier, savings plan or volume tier is applied.

${table(
  ['Service', 'Per enquiry (measured / assumed)', 'Per 100,000 enquiries', 'Cost (USD)', 'Unit price'],
  [...rows.map((r) => [r[0], r[1], r[2], usd(r[3]), r[4]]), ['**Total**', '', '', `**${usd(total)}**`, '']],
)}

That is **${usd((total / PER) * 1000)} per 1,000 enquiries**. Formula inputs and assumptions:

- **Lambda duration** is the mean wall time of each handler invocation measured in-process around
  \`LocalLambdaRuntime.invoke\` (api ${num(meanMs('api'), 1)} ms, router ${num(meanMs('router'), 1)} ms, mailer ${num(meanMs('mailer'), 1)} ms per
  invocation), rounded up to the ms, times the memory in FUNCTIONS (api ${FUNCTIONS.api.memoryMb} MB, router
  ${FUNCTIONS.router.memoryMb} MB, mailer ${FUNCTIONS.mailer.memoryMb} MB). In that window one invocation runs at a time, so it is the
  handler's own CPU (section 9) plus waiting for DynamoDB Local and the in-process emulators: a local figure, not
  an AWS measurement. The full
  POST round trip (API stand-in + handler) averaged ${num(a.postRoundTripMs, 1)} ms. Cold starts (init duration, ${num(Math.min(...importMs), 0)}–${num(Math.max(...importMs), 0)} ms of import
  measured in section 2) are not billed in per-invocation terms here; at low traffic most invocations may be cold.
- **Invocations** are measured per accepted enquiry; the router/mailer counts depend on SQS batching (sequential
  submissions → mostly batches of one, the upper bound). At higher load batches of up to 10 lower both the request
  count and the per-message duration.
- **DynamoDB** WRU/RRU are the capacity units DynamoDB Local reported (\`ReturnConsumedCapacity: TOTAL\`) for every
  call of api + router + mailer during the run, divided by accepted enquiries; they follow the documented rules
  (1 WRU per started KB, transactions 2×, UpdateItem sized on the larger of old and new item, 1 RRU per 4 KB
  strongly consistent, 0.5 eventually consistent). Storage, streams, PITR and backups are not included.
- **EventBridge**: 1 EnquiryReceived per enquiry plus 1 EnquiryReferralRequested per referral email
  (emails − acknowledgements, measured). Delivery to SQS targets is not billed separately.
- **SQS**: every message costs 3 requests (SendMessage by EventBridge, ReceiveMessage, DeleteMessage), each under
  64 KB — an assumption; Lambda's poller receives and deletes in batches (fewer requests under load) but also
  long-polls idle queues (empty receives, a fixed cost per month, not per enquiry, not included). Queues use
  SQS-managed encryption, so no KMS.
- **SES**: emails actually stored by the SES emulator per enquiry (CSU + routed agencies + acknowledgement when
  consented); à-la-carte outbound price, attachments/data not modelled.
- **KMS**: the table uses a customer-managed key. DynamoDB caches the table's data key and calls KMS only to
  refresh it (roughly every few minutes per table, independent of request volume), so per-enquiry KMS requests are
  taken as ≈0 (**assumption**, not measured). Fixed costs are excluded from the per-enquiry total: $1/month per CMK,
  and the refreshes (≈12/hour ≈ 8,760/month ≈ $0.03/month at $0.03 per 10,000).
- **Unsourced**: none of the unit prices above; the KMS request count per enquiry and the SQS requests per
  message are assumptions (stated above). eu-west-2 prices were not found and are not modelled.

Price sources (unit = USD):

${priceList}`;
}
