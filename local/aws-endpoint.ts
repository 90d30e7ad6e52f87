/**
 * One HTTP endpoint on the local machine that speaks the AWS wire protocols our handlers use:
 * EventBridge `PutEvents` (AWS JSON 1.1) and SES v1 (AWS query protocol, forwarded to aws-ses-v2-local), so
 * the real SDK clients reach it through `AWS_ENDPOINT_URL_EVENTBRIDGE`, `_SQS` and `_SES`. Under
 * `/_local/` it also serves the local cloud's control API (faults, queues, schedules).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { LocalIssuer } from './auth-issuer.ts';
import { LocalCloudError } from './errors.ts';
import type { LocalEventBus, PutEventsEntry } from './event-bus.ts';
import { hardened, readBody, respond } from './http.ts';
import type { LocalSecrets } from './secrets.ts';

/** Operations the control API exposes; implemented by the local cloud. */
export interface ControlPlane {
  /** ChangeMessageVisibility on the named queue; false when the receipt handle is not current. */
  changeMessageVisibility(queueName: string, receiptHandle: string, seconds: number): boolean;
  /** Runs a schedule now, as if scheduled at `scheduledTime` (default now). */
  fireSchedule(name: string, scheduledTime?: string): Promise<unknown>;
  queueStats(): unknown;
  deadLetters(queue: string): unknown;
  isIdle(): boolean;
  /**
   * Pauses or resumes delivery from one queue (or every queue) to its consumer (AWS: disabling the event
   * source mapping). False for an unknown queue.
   */
  setDeliveryPaused(paused: boolean, queue?: string): boolean;
  /** Moves a queue's dead letters back onto it (AWS: StartMessageMoveTask); undefined for an unknown queue. */
  redrive(queue: string): number | undefined;
  /** Kills DynamoDB Local, as a crash, and starts it again on the same data after `downMs`. */
  crashDynamoDb(downMs: number): Promise<void>;
  /** Changes how fast every queue's retry back-off passes (1 = real time; undefined: the cloud's own). */
  setRetryTimeScale(scale: number | undefined): void;
  /** In test mode, which operations the run touched and any contract violation; undefined otherwise. */
  contractCoverage(): Promise<unknown>;
}

/** Failures the tests (or a curious developer) can inject. */
export interface Faults {
  /** PutEvents entries to fail with InternalFailure. */
  eventBridgeFailNextEntries?: number;
  /** PutEvents entries to accept and then lose, as if their rule target never received them. */
  eventBridgeDropNextEntries?: number;
  /** SES rejects every email to these addresses with MessageRejected. */
  sesRejectRecipients?: string[];
  /** Each PutEvents entry fails with InternalFailure with this probability (0 to 1). */
  eventBridgeFailRate?: number;
  /** SES throttles every send (an outage, as far as the mailer can tell). */
  sesThrottleAll?: boolean;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

export function createAwsEndpoint(options: {
  bus: LocalEventBus;
  /** The account's default bus, where SES publishes what happened to each email. */
  defaultBus: LocalEventBus;
  issuer: LocalIssuer;
  secrets: LocalSecrets;
  sesUrl: string;
  /**
   * A file that gets one line per email SES accepted (when, to, subject): the inbox lives in memory, and a
   * crash test or chaos run counts sends across restarts from here. Local data, like the rest of `.data`.
   */
  sentLog?: string;
  control: ControlPlane;
  log: (message: string, error?: unknown) => void;
}): http.Server {
  const { bus, sesUrl, control, log } = options;
  let rejectRecipients = new Set<string>();
  let throttleAll = false;
  /** Sends refused (rejected or throttled) per address since the faults were last set. */
  let rejections = new Map<string, number>();

  const handleEventBridge = (target: string, body: string) => {
    if (target !== 'AWSEvents.PutEvents') {
      return awsJsonError(400, 'UnknownOperationException', `${target} is not emulated locally`);
    }
    const request = JSON.parse(body) as { Entries?: PutEventsEntry[] };
    const entries = request.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) {
      return awsJsonError(400, 'ValidationException', 'Entries must have between 1 and 10 items');
    }
    const results = bus.putEvents(entries);
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    return json(200, { Entries: results, FailedEntryCount: failed }, 'application/x-amz-json-1.1');
  };

  const handleSecretsManager = (target: string, body: string) => {
    if (target !== 'secretsmanager.GetSecretValue') {
      return awsJsonError(400, 'UnknownOperationException', `${target} is not emulated locally`);
    }
    const { SecretId } = JSON.parse(body) as { SecretId?: string };
    const value = SecretId === undefined ? undefined : options.secrets.get(SecretId);
    if (value === undefined) {
      return awsJsonError(
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return json(
      200,
      {
        ARN: `arn:aws:secretsmanager:eu-west-2:000000000000:secret:${SecretId}`,
        Name: SecretId,
        SecretString: value,
      },
      'application/x-amz-json-1.1',
    );
  };

  const handleSqs = (target: string, body: string) => {
    if (target !== 'AmazonSQS.ChangeMessageVisibility') {
      return awsJsonError(
        400,
        'com.amazonaws.sqs#UnsupportedOperation',
        `${target} is not emulated locally`,
        '1.0',
      );
    }
    const request = JSON.parse(body) as {
      QueueUrl?: string;
      ReceiptHandle?: string;
      VisibilityTimeout?: number;
    };
    const queueName = request.QueueUrl?.split('/').pop() ?? '';
    const seconds = request.VisibilityTimeout ?? -1;
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
      return awsJsonError(
        400,
        'com.amazonaws.sqs#InvalidParameterValue',
        'VisibilityTimeout must be 0-43200',
        '1.0',
      );
    }
    if (!control.changeMessageVisibility(queueName, request.ReceiptHandle ?? '', seconds)) {
      return awsJsonError(
        400,
        'com.amazonaws.sqs#ReceiptHandleIsInvalid',
        'The receipt handle is not valid',
        '1.0',
      );
    }
    return json(200, {}, 'application/x-amz-json-1.0');
  };

  const handleSes = async (req: http.IncomingMessage, body: string) => {
    const form = new URLSearchParams(body);
    const recipients = [...form.entries()]
      .filter(([key]) => /^Destination\.(To|Cc|Bcc)Addresses\.member\.\d+$/.test(key))
      .map(([, value]) => value.toLowerCase());
    if (throttleAll) {
      for (const r of recipients) rejections.set(r, (rejections.get(r) ?? 0) + 1);
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      };
    }
    const rejected = recipients.filter((r) => rejectRecipients.has(r));
    if (rejected.length > 0) {
      for (const r of rejected) rejections.set(r, (rejections.get(r) ?? 0) + 1);
      // SES's own wording, address included, so tests prove such messages never reach our logs.
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified. The following identities failed the check in region EU-WEST-2: ${rejected.join(', ')}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      };
    }
    const forwarded = await fetch(sesUrl, {
      method: 'POST',
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded',
        authorization: String(req.headers.authorization ?? 'AWS4-HMAC-SHA256 local'),
      },
      body,
    });
    const answer = await forwarded.text();
    if (forwarded.ok && options.sentLog) {
      const line = {
        at: new Date().toISOString(),
        to: recipients,
        subject: form.get('Message.Subject.Data'),
      };
      appendFileSync(options.sentLog, `${JSON.stringify(line)}\n`);
    }
    if (forwarded.ok) {
      const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(answer)?.[1] ?? randomUUID();
      const events = simulatedSesEvents({
        recipients,
        tags: tagsOf(form),
        messageId,
        source: form.get('Source'),
      });
      // As SES does, a moment after it accepted the email: what became of it, by the simulator's addresses.
      setImmediate(() => {
        for (const event of events) options.defaultBus.putEvents([event]);
      });
    }
    return {
      status: forwarded.status,
      headers: { 'content-type': forwarded.headers.get('content-type') ?? 'text/xml' },
      body: answer,
    };
  };

  const handleControl = async (method: string, url: URL, body: string) => {
    const parts = url.pathname.split('/').filter(Boolean).slice(1);
    if (method === 'GET' && parts[0] === 'health') return json(200, { ok: true });
    // The local user pool: its JWKS, and tokens on request (what `npm run token` prints).
    if (method === 'GET' && parts[0] === 'auth' && parts[1] === '.well-known' && parts[2] === 'jwks.json') {
      return json(200, options.issuer.jwks());
    }
    if (method === 'POST' && parts[0] === 'auth' && parts[1] === 'token') {
      const request = JSON.parse(body || '{}') as {
        role?: string;
        organisationId?: string;
        agencyId?: string;
        subject?: string;
        lifetimeSeconds?: number;
      };
      return json(200, { token: await options.issuer.issue({ role: request.role ?? '', ...request }) });
    }
    // The local user pool's hosted UI (sign-in page, OAuth 2.0 code flow with PKCE, logout), for web clients.
    if (parts[0] === 'auth') {
      const reply = await options.issuer.oauth.handle({
        method,
        path: `/${parts.slice(1).join('/')}`,
        query: url.searchParams,
        body,
      });
      if (reply) return reply;
    }
    if (method === 'GET' && parts[0] === 'idle') return json(200, { idle: control.isIdle() });
    if (method === 'GET' && parts[0] === 'contract') {
      const coverage = await control.contractCoverage();
      return coverage
        ? json(200, coverage)
        : json(404, { message: 'The contract is checked in test mode only (CSP_LOCAL_CHECK_CONTRACT=1)' });
    }
    if (method === 'GET' && parts[0] === 'events') {
      return json(200, { events: bus.recent(Number(url.searchParams.get('limit') ?? 100)) });
    }
    if (method === 'PUT' && parts[0] === 'queues' && parts[1] === 'delivery') {
      const { paused, queue } = JSON.parse(body || '{}') as { paused?: unknown; queue?: unknown };
      if (typeof paused !== 'boolean' || (queue !== undefined && typeof queue !== 'string')) {
        return json(400, { message: 'Send {"paused": true|false, "queue"?: <name>}' });
      }
      if (!control.setDeliveryPaused(paused, queue)) return json(404, { message: `No queue ${queue}` });
      return json(200, { paused, ...(queue ? { queue } : {}) });
    }
    if (method === 'GET' && parts[0] === 'queues' && parts.length === 1)
      return json(200, control.queueStats());
    if (method === 'POST' && parts[0] === 'dynamodb' && parts[1] === 'crash') {
      const { downSeconds } = JSON.parse(body || '{}') as { downSeconds?: unknown };
      const down = typeof downSeconds === 'number' && downSeconds >= 0 ? downSeconds : 10;
      // Answers at once; the restart follows in the background.
      void control
        .crashDynamoDb(down * 1000)
        .catch((error: unknown) => log('DynamoDB Local restart failed', error));
      return json(202, { crashed: true, downSeconds: down });
    }
    if (method === 'POST' && parts[0] === 'queues' && parts[2] === 'redrive') {
      const moved = control.redrive(parts[1] ?? '');
      if (moved === undefined) return json(404, { message: `No queue ${parts[1]}` });
      return json(200, { queue: parts[1], moved });
    }
    if (parts[0] === 'retry-time-scale' && (method === 'PUT' || method === 'DELETE')) {
      const { scale } = JSON.parse(body || '{}') as { scale?: unknown };
      if (method === 'PUT' && (typeof scale !== 'number' || !(scale > 0) || scale > 1)) {
        return json(400, { message: 'Send {"scale": <a number in (0, 1]>}' });
      }
      control.setRetryTimeScale(method === 'PUT' ? (scale as number) : undefined);
      return json(200, { scale: method === 'PUT' ? scale : null });
    }
    if (method === 'GET' && parts[0] === 'queues' && parts[2] === 'dead-letters') {
      return json(200, control.deadLetters(parts[1] ?? ''));
    }
    if (method === 'POST' && parts[0] === 'schedules' && parts[2] === 'fire') {
      const { scheduledTime } = JSON.parse(body || '{}') as { scheduledTime?: string };
      return json(200, {
        schedule: parts[1],
        result: await control.fireSchedule(parts[1] ?? '', scheduledTime),
      });
    }
    if (parts[0] === 'faults' && (method === 'PUT' || method === 'DELETE')) {
      const faults: Faults = method === 'PUT' ? (JSON.parse(body || '{}') as Faults) : {};
      bus.failNextEntries = faults.eventBridgeFailNextEntries ?? 0;
      bus.dropNextEntries = faults.eventBridgeDropNextEntries ?? 0;
      bus.failRate = faults.eventBridgeFailRate ?? 0;
      throttleAll = faults.sesThrottleAll ?? false;
      rejectRecipients = new Set((faults.sesRejectRecipients ?? []).map((r) => r.toLowerCase()));
      rejections = new Map();
    }
    if (parts[0] === 'faults' && ['GET', 'PUT', 'DELETE'].includes(method)) {
      return json(200, {
        eventBridgeFailNextEntries: bus.failNextEntries,
        eventBridgeDropNextEntries: bus.dropNextEntries,
        eventBridgeFailRate: bus.failRate,
        sesThrottleAll: throttleAll,
        sesRejectRecipients: [...rejectRecipients],
        sesRejections: Object.fromEntries(rejections),
      });
    }
    return json(404, { message: `No control operation ${method} ${url.pathname}` });
  };

  const server = http.createServer(async (req, res) => {
    const read = await readBody(req, MAX_REQUEST_BYTES);
    if (read.kind === 'aborted') {
      res.destroy();
      return;
    }
    let reply: Reply;
    try {
      if (read.kind === 'too-large') {
        reply = awsJsonError(413, 'RequestEntityTooLarge', 'Request too large');
        reply.headers.connection = 'close';
      } else {
        const body = read.body.toString('utf8');
        const url = new URL(req.url ?? '/', 'http://localhost');
        const target = req.headers['x-amz-target'];
        if (url.pathname.startsWith('/_local/')) reply = await handleControl(req.method ?? 'GET', url, body);
        else if (typeof target === 'string' && target.startsWith('AWSEvents.'))
          reply = handleEventBridge(target, body);
        else if (typeof target === 'string' && target.startsWith('AmazonSQS.'))
          reply = handleSqs(target, body);
        else if (typeof target === 'string' && target.startsWith('secretsmanager.'))
          reply = handleSecretsManager(target, body);
        else if (req.method === 'POST' && url.pathname === '/') reply = await handleSes(req, body);
        else reply = awsJsonError(404, 'UnknownOperationException', 'Unknown operation');
      }
    } catch (error) {
      if (error instanceof LocalCloudError) {
        reply = json(400, { message: error.message });
      } else {
        log('Local AWS endpoint failed a request', error);
        reply = awsJsonError(500, 'InternalFailure', 'The local endpoint failed; see the local cloud log');
      }
    }
    respond(res, reply.status, { ...reply.headers, 'x-amzn-requestid': randomUUID() }, reply.body);
  });
  return hardened(server);
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function json(status: number, value: unknown, contentType = 'application/json'): Reply {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(value) };
}

function awsJsonError(status: number, code: string, message: string, version = '1.1'): Reply {
  return json(status, { __type: code, message }, `application/x-amz-json-${version}`);
}

/** The message tags of an SES v1 query request (`Tags.member.N.Name` / `.Value`). */
function tagsOf(form: URLSearchParams): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const [key, name] of form.entries()) {
    const match = /^Tags\.member\.(\d+)\.Name$/.exec(key);
    const value = match && form.get(`Tags.member.${match[1]}.Value`);
    if (match && value !== null) tags[name] = [value];
  }
  return tags;
}

/** What SES's mailbox simulator does with each of its addresses (a `+label` is allowed before the @). */
const SIMULATOR = /^(bounce|complaint|ooto|suppressionlist|success)(\+[^@]*)?@simulator\.amazonses\.com$/i;

/**
 * The events SES would publish for an email it accepted, as EventBridge receives them from a configuration
 * set: first one `Email Sent` for the email, then per recipient: `bounce@simulator.amazonses.com` bounces
 * (permanently), `suppressionlist@…` bounces as suppressed, `complaint@…` is delivered then complained about,
 * `ooto@…` is delivered (with an auto-reply, not modelled), every other address is delivered.
 */
export function simulatedSesEvents(email: {
  recipients: readonly string[];
  tags: Record<string, string[]>;
  messageId: string;
  source: string | null;
}): PutEventsEntry[] {
  const timestamp = new Date().toISOString();
  const mail = {
    timestamp,
    source: email.source ?? '',
    messageId: email.messageId,
    destination: email.recipients,
    tags: { ...email.tags, 'ses:configuration-set': ['csp-local'] },
  };
  const entry = (detailType: string, detail: Record<string, unknown>): PutEventsEntry => ({
    Source: 'aws.ses',
    DetailType: detailType,
    Detail: JSON.stringify({ mail, ...detail }),
  });
  const sent = entry('Email Sent', { eventType: 'Send', send: {} });
  const perRecipient = email.recipients.flatMap((recipient) => {
    const behaviour = SIMULATOR.exec(recipient)?.[1]?.toLowerCase() ?? 'success';
    const delivered = entry('Email Delivered', {
      eventType: 'Delivery',
      delivery: { timestamp, recipients: [recipient], smtpResponse: '250 2.6.0 Message received' },
    });
    if (behaviour === 'bounce' || behaviour === 'suppressionlist') {
      return [
        entry('Email Bounced', {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: behaviour === 'bounce' ? 'General' : 'OnAccountSuppressionList',
            bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: '5.1.1' }],
            timestamp,
          },
        }),
      ];
    }
    if (behaviour === 'complaint') {
      return [
        delivered,
        entry('Email Complaint Received', {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp,
            complaintFeedbackType: 'abuse',
          },
        }),
      ];
    }
    return [delivered];
  });
  return [sent, ...perRecipient];
}
