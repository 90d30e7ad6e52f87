/**
 * The deployed wiring agrees with `functions/topology.ts`, which the local cloud also runs: same rules, queues,
 * schedules and routes, so what passes locally is what is deployed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EMAIL_LEASE_SECONDS } from '../../functions/domain/use-cases/send-enquiry-email.ts';
import {
  backoffSeconds,
  FUNCTIONS,
  type FunctionSpec,
  functionOf,
  OUTAGE_TO_OUTLAST_SECONDS,
  PAGE_LIST,
  PAGES_FUNCTION,
  QUEUES,
  ROUTE_LIST,
  RULE_RETRY_POLICY,
  RULES,
  type RuleSpec,
  retryHorizonSeconds,
  SCHEDULES,
  type ScheduleSpec,
} from '../../functions/topology.ts';
import { arnOf, logicalId, removeOutdirs, rendered, resource, resourcesOfType, synthApp } from './synth.ts';

afterAll(removeOutdirs);

const {
  stateful,
  stateless,
  statelessTemplate: template,
  statefulTemplate,
  mailTemplate,
} = synthApp('dev', { bundle: false });

describe('rules', () => {
  it('are exactly the RULES', () => {
    const ids = Object.keys(resourcesOfType(template, 'AWS::Events::Rule'));

    expect(ids.sort()).toEqual(Object.values(stateless.rules).map(logicalId).sort());
  });

  it.each(Object.entries(RULES))('%s matches its pattern on its bus', (name, spec: RuleSpec) => {
    const rule = resource(template, logicalId(stateless.rules[name as keyof typeof RULES]));

    expect(rule.Properties?.['EventPattern']).toEqual(spec.eventPattern);
    // SES publishes only to the default bus; everything else is ours.
    expect(rule.Properties?.['EventBusName']).toEqual(
      spec.bus === 'default' ? 'default' : rendered(stateless, stateful.eventBus.eventBusName),
    );
  });

  it('has SES report sends, deliveries, bounces, complaints, rejections and delays of every email to the default bus', () => {
    // Wherever the configuration set is deployed (the mail stack), there is exactly one.
    const destinations = [mailTemplate, statefulTemplate].flatMap((t) =>
      Object.values(resourcesOfType(t, 'AWS::SES::ConfigurationSetEventDestination')),
    );

    expect(destinations).toHaveLength(1);
    const destination = destinations[0]?.Properties?.['EventDestination'] as {
      Enabled: boolean;
      MatchingEventTypes: string[];
      EventBridgeDestination: { EventBusArn: unknown };
    };
    expect(destination.Enabled).toBe(true);
    expect(destination.MatchingEventTypes.sort()).toEqual(
      ['send', 'bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject'].sort(),
    );
    expect(JSON.stringify(destination.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
  });

  it.each(Object.keys(RULES))('%s keeps retrying a queue it cannot reach for minutes, not once', (name) => {
    const rule = resource(template, logicalId(stateless.rules[name as keyof typeof RULES]));
    const [target] = (rule.Properties?.['Targets'] ?? []) as {
      RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
      DeadLetterConfig?: object;
    }[];

    expect(target?.RetryPolicy.MaximumRetryAttempts).toBeGreaterThanOrEqual(3);
    expect(target?.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(600);
    expect(target?.DeadLetterConfig).toBeDefined();
  });

  it.each(Object.entries(RULES))('%s delivers to its target queue with the retry policy', (name, spec) => {
    const rule = resource(template, logicalId(stateless.rules[name as keyof typeof RULES]));

    expect(rule.Properties?.['Targets']).toEqual([
      {
        Id: expect.any(String),
        Arn: arnOf(stateless.queues[spec.targetQueue].queue),
        RetryPolicy: {
          MaximumRetryAttempts: RULE_RETRY_POLICY.maximumRetryAttempts,
          MaximumEventAgeInSeconds: RULE_RETRY_POLICY.maximumEventAgeSeconds,
        },
        DeadLetterConfig: { Arn: arnOf(stateless.undeliverableEventsQueue) },
      },
    ]);
  });
});

describe('queues', () => {
  const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

  it.each(Object.entries(QUEUES))('%s feeds its consumer with the topology batching', (name, spec) => {
    const { queue, deadLetterQueue } = stateless.queues[name as keyof typeof QUEUES];
    const mapping = mappings.filter(
      (m) => JSON.stringify(m.Properties?.['EventSourceArn']) === JSON.stringify(arnOf(queue)),
    );

    expect(mapping).toHaveLength(1);
    expect(mapping[0]?.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(stateless.functions[spec.consumer]) },
      BatchSize: spec.batchSize,
      MaximumBatchingWindowInSeconds: spec.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
    });
    expect(resource(template, logicalId(queue)).Properties?.['VisibilityTimeout']).toBe(
      spec.visibilityTimeoutSeconds,
    );
    expect(resource(template, logicalId(deadLetterQueue)).Properties?.['MessageRetentionPeriod']).toBe(
      spec.dlqRetentionDays * 24 * 60 * 60,
    );
  });

  it.each(Object.entries(QUEUES))(
    '%s outlasts a 6-hour outage and keeps every message it retries',
    (name, spec) => {
      const { queue, deadLetterQueue } = stateless.queues[name as keyof typeof QUEUES];
      const properties = resource(template, logicalId(queue)).Properties ?? {};
      // When each try happens, from the receives the deployed queue allows and the consumer's back-off.
      const receives = Number((properties['RedrivePolicy'] as { maxReceiveCount: number }).maxReceiveCount);
      const tries = [0];
      for (let receive = 1; receive <= receives; receive++) {
        tries.push(tries.at(-1)! + backoffSeconds(receive, spec.retryBackoff));
      }
      const lastTryAt = tries[receives - 1]!;
      const deadLetteredAt = tries[receives]!;

      // The last try must come after the outage ends, or the message is dead-lettered with the outage on.
      expect(lastTryAt).toBeGreaterThanOrEqual(OUTAGE_TO_OUTLAST_SECONDS);
      expect(retryHorizonSeconds({ ...spec, maxReceiveCount: receives })).toBe(lastTryAt);
      // Neither queue may expire a message before its retries are over, nor the DLQ before anyone looks.
      expect(Number(properties['MessageRetentionPeriod'])).toBeGreaterThan(deadLetteredAt);
      const dlqRetention = resource(template, logicalId(deadLetterQueue)).Properties?.[
        'MessageRetentionPeriod'
      ];
      expect(Number(dlqRetention)).toBeGreaterThan(deadLetteredAt);
      // A batch still being processed is never handed to a second consumer: AWS advises six times the timeout.
      const consumer = resource(template, logicalId(stateless.functions[spec.consumer]));
      expect(Number(consumer.Properties?.['Timeout']) * 6).toBeLessThanOrEqual(
        Number(properties['VisibilityTimeout']),
      );
    },
  );

  it('gives the mailer less time than an email’s lease, so a live mailer is never overtaken', () => {
    const mailer = resource(template, logicalId(stateless.functions.mailer));

    expect(Number(mailer.Properties?.['Timeout']) * 1000).toBeLessThan(EMAIL_LEASE_SECONDS * 1000);
  });
});

describe('schedules', () => {
  it('are exactly the SCHEDULES', () => {
    const ids = Object.keys(resourcesOfType(template, 'AWS::Scheduler::Schedule'));

    expect(ids.sort()).toEqual(Object.values(stateless.schedules).map(logicalId).sort());
  });

  it.each(Object.entries(SCHEDULES))('%s runs on its expression and invokes its function', (name, spec) => {
    const schedule = resource(template, logicalId(stateless.schedules[name as keyof typeof SCHEDULES]));

    expect(schedule.Properties?.['ScheduleExpression']).toBe(spec.expression);
    // Evaluated in the same zone locally and on AWS (UTC when the topology names none).
    expect(schedule.Properties?.['ScheduleExpressionTimezone']).toBe(
      (spec as ScheduleSpec).timeZone ?? 'Etc/UTC',
    );
    expect(schedule.Properties?.['Target']).toMatchObject({
      Arn: arnOf(stateless.functions[spec.target]),
      DeadLetterConfig: { Arn: arnOf(stateless.undeliverableSchedulesQueue) },
      RetryPolicy: expect.any(Object),
    });
    // The handlers decide for the scheduled time, as the local scheduler passes it.
    const target = schedule.Properties?.['Target'] as { Input?: string } | undefined;
    expect(JSON.parse(String(target?.Input))).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
  });
});

describe('API routes', () => {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const methods = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method'));

  /** `/a/{b}` from a method's resource chain. */
  function pathOf(resourceRef: unknown): string {
    const id = (resourceRef as { Ref?: string }).Ref;
    if (!id) return ''; // The root resource (Fn::GetAtt RootResourceId).
    const res = resources[id];
    if (!res) throw new Error(`Unknown API resource ${id}`);
    return `${pathOf(res.Properties?.['ParentId'])}/${String(res.Properties?.['PathPart'])}`;
  }

  const routes = methods.map((m) => ({
    method: String(m.Properties?.['HttpMethod']),
    path: pathOf(m.Properties?.['ResourceId']),
    integration: m.Properties?.['Integration'] as { Type: string; Uri: unknown },
    authorizationType: m.Properties?.['AuthorizationType'],
    requestParameters: m.Properties?.['RequestParameters'] as Record<string, boolean> | undefined,
  }));

  it('are exactly the ROUTES and the PAGES, plus CORS preflight on the routes’ paths only', () => {
    const served = routes.filter((r) => r.method !== 'OPTIONS').map((r) => `${r.method} ${r.path}`);
    const preflight = routes.filter((r) => r.method === 'OPTIONS').map((r) => r.path);

    expect(served.sort()).toEqual([...ROUTE_LIST, ...PAGE_LIST].map((r) => `${r.method} ${r.path}`).sort());
    expect(preflight.sort()).toEqual([...new Set(ROUTE_LIST.map((r) => r.path))].sort());
  });

  it('answers no CORS preflight on pages: their forms and assets are same-origin', () => {
    const routePaths = new Set(ROUTE_LIST.map((r) => r.path));
    const pageOnly = PAGE_LIST.filter((page) => !routePaths.has(page.path));

    expect(pageOnly).toHaveLength(PAGE_LIST.length);
    for (const page of pageOnly) {
      expect(
        routes.filter((r) => r.path === page.path && r.method === 'OPTIONS'),
        page.path,
      ).toEqual([]);
    }
  });

  it.each(PAGE_LIST.map((page) => [`${page.method} ${page.path}`, page] as const))(
    '%s goes to the web function with no authorizer (the console checks its own session cookie)',
    (_, page) => {
      const route = routes.find((r) => r.method === page.method && r.path === page.path);

      expect(PAGES_FUNCTION).toBe('web');
      expect(route?.integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(route?.integration.Uri)).toContain(
        `"${logicalId(stateless.functions.web)}","Arn"`,
      );
      expect(route?.authorizationType).toBe('NONE');
      // The request validator refuses a request without its path parameters before the function runs.
      for (const [, name] of page.path.matchAll(/\{([^}]+)\}/g)) {
        expect(route?.requestParameters?.[`method.request.path.${name}`]).toBe(true);
      }
    },
  );

  it('proxies every route to the function its ROUTES entry names (api, or docs for the documentation)', () => {
    const served = routes.filter((r) => r.method !== 'OPTIONS');
    for (const spec of ROUTE_LIST) {
      const route = served.find((r) => r.method === spec.method && r.path === spec.path)!;
      expect(route.integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(route.integration.Uri)).toContain(
        `"${logicalId(stateless.functions[functionOf(spec)])}","Arn"`,
      );
    }
    expect(ROUTE_LIST.filter((spec) => functionOf(spec) === 'docs').map((spec) => spec.path)).toEqual([
      '/openapi.json',
      '/docs',
    ]);
  });
});

describe('table indexes', () => {
  it('every index a function declares is one the deployed table has', () => {
    const { statefulTemplate } = synthApp('dev', { bundle: false });
    const table = resource(statefulTemplate, logicalId(stateful.table));
    const indexes = (table.Properties?.['GlobalSecondaryIndexes'] ?? []) as { IndexName: string }[];
    const deployed = indexes.map((index) => index.IndexName);
    const declared = Object.values(FUNCTIONS).flatMap((spec: FunctionSpec) => spec.table?.indexes ?? []);

    expect(declared.length).toBeGreaterThan(0);
    for (const index of declared) expect(deployed).toContain(index);
  });
});
