import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../functions/api/http-middleware.ts';
import { GATEWAY_PROBLEMS } from '../../functions/api/problem.ts';
import { ENV } from '../../functions/config.ts';
import { CUSTOM_METRICS, metricsNamespace } from '../../functions/metrics.ts';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  functionOf,
  PAGES_FUNCTION,
  QUEUES,
  ROUTE_LIST,
  SCHEDULES,
  environmentOf as topologyEnvironmentOf,
} from '../../functions/topology.ts';
import {
  API_THROTTLING,
  SCHEDULE_RETRY_POLICY,
  SCHEDULED_RUN_MAX_AGE_SECONDS,
} from '../../lib/stateless-stack.ts';
import {
  actionsOf,
  arnOf,
  environmentOf,
  identityStatements,
  logicalId,
  removeOutdirs,
  rendered,
  resource,
  resourcesOf,
  resourcesOfType,
  synthApp,
  synthStageWith,
} from './synth.ts';

afterAll(removeOutdirs);

/** Variables CspFunction sets on every function. */
const OUR_DEFAULTS = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
  'POWERTOOLS_TRACER_CAPTURE_ERROR',
  'NODE_OPTIONS',
];

// The one synth in the infra tests that really bundles the functions with esbuild.
const { stage, stateful, mail, stateless, statelessTemplate: template, assemblyDirectory } = synthApp('dev');

const functionIds = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'));
const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
const alarmTopicRef = { Ref: logicalId(stateless.alarmTopic) };

/** Queues some redrive policy, rule target or schedule target uses as its dead-letter queue. */
function deadLetterQueueIds(): Set<string> {
  const ids = new Set<string>();
  const json = JSON.stringify(template.toJSON().Resources);
  for (const match of json.matchAll(
    /"(?:deadLetterTargetArn|DeadLetterConfig|OnFailure)":\{[^}]*?"Fn::GetAtt":\["(\w+)","Arn"\]/g,
  )) {
    if (match[1]) ids.add(match[1]);
  }
  return ids;
}

describe('functions', () => {
  it.each(functionIds)('%s runs on arm64 with Node.js 22', (id) => {
    const fn = resource(template, id);

    expect(fn.Properties?.['Architectures']).toEqual(['arm64']);
    expect(fn.Properties?.['Runtime']).toBe('nodejs22.x');
    expect(fn.Properties?.['TracingConfig']).toEqual({ Mode: 'Active' });
  });

  it.each(Object.keys(FUNCTIONS) as FunctionName[])(
    '%s has exactly the variables its topology entry declares, and Powertools settings',
    (name) => {
      const variables = Object.keys(environmentOf(template, stateless.functions[name]));

      expect(variables.filter((v) => !OUR_DEFAULTS.includes(v)).sort()).toEqual(
        [...topologyEnvironmentOf(name)].sort(),
      );
      expect(variables).toEqual(expect.arrayContaining(OUR_DEFAULTS));
    },
  );

  it('gives the API function the stage settings and a URL that does not depend on the deployment stage', () => {
    const variables = environmentOf(template, stateless.functions.api);

    expect(variables[ENV.allowedOrigins]).toBe(stage.allowedOrigins.join(','));
    expect(variables[ENV.enquiryRetentionDays]).toBe(String(stage.enquiryRetentionDays));
    // Referencing the stage would make function → stage → deployment → method → function a cycle.
    expect(JSON.stringify(variables[ENV.publicApiUrl])).toContain(logicalId(stateless.api));
    expect(JSON.stringify(variables[ENV.publicApiUrl])).not.toContain(
      logicalId(stateless.api.deploymentStage),
    );
  });

  describe('on the stage’s own domain', () => {
    const certificateArn =
      'arn:aws:acm:eu-west-2:111111111111:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
    const requested = synthStageWith('prod', { apiDomain: { name: 'api.csp.ashford.gov.uk' } });
    const given = synthStageWith('prod', { apiDomain: { name: 'api.csp.ashford.gov.uk', certificateArn } });

    it('serves the API there over TLS 1.2+, mapped at the root to the stage, with a DNS-validated certificate', () => {
      const { stateless: stack, statelessTemplate: t } = requested;
      const [domain] = Object.values(resourcesOfType(t, 'AWS::ApiGateway::DomainName'));
      const [mapping] = Object.values(resourcesOfType(t, 'AWS::ApiGateway::BasePathMapping'));
      const [certificate] = Object.values(resourcesOfType(t, 'AWS::CertificateManager::Certificate'));

      expect(domain?.Properties).toMatchObject({
        DomainName: 'api.csp.ashford.gov.uk',
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: 'TLS_1_2',
      });
      expect(certificate?.Properties).toMatchObject({
        DomainName: 'api.csp.ashford.gov.uk',
        ValidationMethod: 'DNS',
      });
      expect(mapping?.Properties).toMatchObject({
        RestApiId: { Ref: logicalId(stack.api) },
        Stage: { Ref: logicalId(stack.api.deploymentStage) },
      });
      expect(mapping?.Properties?.['BasePath']).toBeUndefined();
    });

    it('uses a certificate the stage names instead of requesting one', () => {
      const { statelessTemplate: t } = given;

      expect(Object.keys(resourcesOfType(t, 'AWS::CertificateManager::Certificate'))).toEqual([]);
      expect(Object.values(resourcesOfType(t, 'AWS::ApiGateway::DomainName'))[0]?.Properties).toMatchObject({
        RegionalCertificateArn: certificateArn,
      });
    });

    it('builds status links and the public URL from the domain, so they outlive the API', () => {
      const { stateless: stack, statelessTemplate: t } = requested;
      const api = environmentOf(t, stack.functions.api);
      const mailer = environmentOf(t, stack.functions.mailer);

      expect(api[ENV.publicApiUrl]).toBe('https://api.csp.ashford.gov.uk');
      expect(mailer[ENV.statusPageBaseUrl] ?? api[ENV.statusPageBaseUrl]).toBe(
        'https://api.csp.ashford.gov.uk',
      );
      expect(t.toJSON().Outputs).toMatchObject({ ApiUrl: { Value: 'https://api.csp.ashford.gov.uk' } });
      expect(Object.keys(t.toJSON().Outputs)).toContain('ApiDomainTarget');
    });

    it('serves the stage there only: execute-api disabled, in a deployment of its own, and named nowhere', () => {
      const { stateless: stack, statelessTemplate: t } = requested;
      const withoutDomain = synthApp('prod', { bundle: false }).statelessTemplate;
      const deployments = (of: typeof t) => Object.keys(resourcesOfType(of, 'AWS::ApiGateway::Deployment'));

      // Its console links and sign-in callback are the domain's: on execute-api they would lead astray.
      expect(resource(t, logicalId(stack.api)).Properties?.['DisableExecuteApiEndpoint']).toBe(true);
      // API Gateway applies the switch only when the stage changes: a new deployment does that.
      expect(deployments(t)).not.toEqual(deployments(withoutDomain));
      // No output, setting or callback URL leads to the disabled endpoint.
      expect(JSON.stringify(t.toJSON())).not.toContain('.execute-api.');
    });

    it('has no domain without one in the stage, and serves the stage on its execute-api URL', () => {
      expect(Object.keys(resourcesOfType(template, 'AWS::ApiGateway::DomainName'))).toEqual([]);
      expect(stateless.apiUrl).toBe(stateless.executeApiUrl);
      expect(resource(template, logicalId(stateless.api)).Properties?.['DisableExecuteApiEndpoint']).not.toBe(
        true,
      );
    });
  });

  it('writes each function log to its own KMS-encrypted log group with the stage retention', () => {
    for (const fn of Object.values(stateless.functions)) {
      const config = resource(template, logicalId(fn)).Properties?.['LoggingConfig'] as {
        LogGroup: { Ref: string };
      };
      const logGroup = resource(template, config.LogGroup.Ref);

      expect(logGroup.Properties?.['RetentionInDays']).toBe(stage.logRetentionDays);
      expect(logGroup.Properties?.['KmsKeyId']).toEqual(rendered(stateless, stateful.key.keyArn));
    }
  });

  it('bundles each handler as minified ESM with the AWS SDK inside and a source map', () => {
    const bundles = readdirSync(assemblyDirectory).filter((entry) => entry.startsWith('asset.'));
    const withCode = bundles.filter((dir) => readdirSync(join(assemblyDirectory, dir)).includes('index.mjs'));

    expect(withCode).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const dir of withCode) {
      const code = readFileSync(join(assemblyDirectory, dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(readdirSync(join(assemblyDirectory, dir))).toContain('index.mjs.map');
    }
  });
});

describe('IAM', () => {
  const statements = identityStatements(template);

  it('never allows every action', () => {
    const wildcards = statements.filter(({ statement }) =>
      actionsOf(statement).some((action) => action === '*' || action.endsWith(':*')),
    );

    expect(wildcards).toEqual([]);
  });

  it('allows Resource "*" only for X-Ray, which has no resource-level permissions', () => {
    const unscoped = statements.filter(({ statement }) => resourcesOf(statement).includes('*'));

    expect(unscoped.length).toBeGreaterThan(0);
    for (const { statement } of unscoped) {
      expect(actionsOf(statement).every((action) => action.startsWith('xray:'))).toBe(true);
    }
  });

  it.each([
    ['personal-data key', 'personalDataKey', ENV.personalDataKeySecret],
    ['session key', 'sessionKey', ENV.sessionKeySecret],
  ] as const)(
    'lets only functions that declare the %s read it: that one secret, its ARN in their environment',
    (_, binding, variable) => {
      const arn = rendered(stateless, stateful[binding].secretArn);
      const names = Object.keys(FUNCTIONS) as FunctionName[];
      const declaring = names.filter((name) => (FUNCTIONS[name] as FunctionSpec)[binding]);
      const reading = names.filter((name) =>
        statementsOf(name).some(
          (st) =>
            actionsOf(st).includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(resourcesOf(st)).includes(JSON.stringify(arn)),
        ),
      );

      expect(declaring.length).toBeGreaterThan(0);
      expect(reading.sort()).toEqual(declaring.sort());
      for (const name of names) {
        expect(environmentOf(template, stateless.functions[name])[variable]).toEqual(
          declaring.includes(name) ? arn : undefined,
        );
      }
    },
  );

  it('lets only the web function read the session key', () => {
    const arn = JSON.stringify(rendered(stateless, stateful.sessionKey.secretArn));
    const readers = statements.filter(({ statement }) =>
      JSON.stringify(resourcesOf(statement)).includes(arn),
    );

    expect(readers.map((s) => s.policyId)).toEqual([
      logicalId(stateless.functions.web.role!.node.findChild('DefaultPolicy')),
    ]);
  });

  it('grants Secrets Manager reads of the two keys only, and decryption only through Secrets Manager', () => {
    const keys = [stateful.personalDataKey, stateful.sessionKey].map((secret) =>
      rendered(stateless, secret.secretArn),
    );
    const secretReads = statements.filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('secretsmanager:')),
    );
    const readers = new Set(secretReads.map((s) => s.policyId));
    const viaSecretsManager = statements.filter(
      ({ statement }) =>
        JSON.stringify(statement).includes('kms:ViaService') && actionsOf(statement).includes('kms:Decrypt'),
    );

    expect(secretReads.length).toBeGreaterThan(0);
    for (const { statement } of secretReads) {
      expect(actionsOf(statement)).toEqual(['secretsmanager:GetSecretValue']);
      for (const secret of resourcesOf(statement)) expect(keys).toContainEqual(secret);
    }
    expect([...new Set(viaSecretsManager.map((s) => s.policyId))].sort()).toEqual([...readers].sort());
    for (const { statement } of viaSecretsManager) {
      expect(JSON.stringify(statement.Condition)).toContain('"kms:ViaService":"secretsmanager.');
    }
  });

  it('lets only the mailer and the digest job send email, only through the configured identity and configuration set', () => {
    const ses = statements.filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('ses:')));
    const senders = (['mailer', 'overdueDigest'] as const).map((name) => {
      const policy = stateless.functions[name].role?.node.tryFindChild('DefaultPolicy');
      return policy && logicalId(policy);
    });

    expect(ses.map((s) => s.policyId).sort()).toEqual(senders.sort());
    const fromAddress = /<([^>]+)>\s*$/.exec(stage.senderAddress)?.[1];
    for (const { statement } of ses) {
      expect(actionsOf(statement)).toEqual(['ses:SendEmail']);
      // Only as the stage's own sender: never as the CSU, an agency or anyone else on the identity's domain.
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': fromAddress } });
      expect(resourcesOf(statement)).toHaveLength(2);
      expect(resourcesOf(statement)).toEqual(
        expect.arrayContaining([
          rendered(stateless, mail.emailIdentity.emailIdentityArn),
          rendered(stateless, mail.configurationSetArn),
        ]),
      );
    }
  });

  it('grants the table by name and its indexes by name, without Scan', () => {
    const dynamodb = statements.filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('dynamodb:')),
    );

    expect(dynamodb.length).toBeGreaterThan(0);
    for (const { statement } of dynamodb) {
      expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
      expect(JSON.stringify(resourcesOf(statement))).not.toContain('*');
    }
  });

  /** Statements of one function's execution role policy. */
  const statementsOf = (name: FunctionName) => {
    const policy = stateless.functions[name].role?.node.tryFindChild('DefaultPolicy');
    return statements
      .filter(({ policyId }) => policy && policyId === logicalId(policy))
      .map((s) => s.statement);
  };
  const tableArn = rendered(stateless, stateful.table.tableArn);

  it.each(Object.keys(FUNCTIONS) as FunctionName[])(
    '%s holds exactly the table actions and indexes its topology entry declares',
    (name) => {
      const spec: FunctionSpec = FUNCTIONS[name];
      const own = statementsOf(name);
      const onTable = own.filter((st) => JSON.stringify(resourcesOf(st)) === JSON.stringify([tableArn]));
      const onIndexes = own.filter((st) => JSON.stringify(resourcesOf(st)).includes('/index/'));

      expect(onTable.flatMap(actionsOf).sort()).toEqual(
        (spec.table?.actions ?? []).map((a) => `dynamodb:${a}`).sort(),
      );
      expect(onIndexes.flatMap(actionsOf)).toEqual(spec.table?.indexes?.length ? ['dynamodb:Query'] : []);
      expect(JSON.stringify(onIndexes.flatMap(resourcesOf))).toBe(
        JSON.stringify(
          (spec.table?.indexes ?? []).map((index) =>
            rendered(stateless, `${stateful.table.tableArn}/index/${index}`),
          ),
        ),
      );
    },
  );

  it('gives no role Scan, DeleteItem, BatchWriteItem or a stream read', () => {
    const forbidden = [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetRecords',
    ];

    for (const { statement } of statements) {
      for (const action of forbidden) expect(actionsOf(statement)).not.toContain(action);
    }
  });

  it('lets only functions that write items encrypt with the table key', () => {
    const writers = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) =>
      (FUNCTIONS[name] as FunctionSpec).table?.actions.some((a) => a === 'PutItem' || a === 'UpdateItem'),
    );
    const encrypting = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) =>
      statementsOf(name).some((st) => actionsOf(st).includes('kms:GenerateDataKey*')),
    );
    const decrypting = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) =>
      statementsOf(name).some((st) => actionsOf(st).includes('kms:Decrypt')),
    );

    expect(encrypting.sort()).toEqual(writers.sort());
    expect(decrypting.sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it('lets only publishers put events, on the partnership bus only', () => {
    const putEvents = statements.filter(({ statement }) => actionsOf(statement).includes('events:PutEvents'));
    const publishers = (Object.keys(FUNCTIONS) as FunctionName[]).filter(
      (name) => (FUNCTIONS[name] as FunctionSpec).bus,
    );

    expect(putEvents.map((s) => s.policyId).sort()).toEqual(
      publishers
        .map((name) => logicalId(stateless.functions[name].role!.node.findChild('DefaultPolicy')))
        .sort(),
    );
    for (const { statement } of putEvents) {
      expect(resourcesOf(statement)).toEqual([rendered(stateless, stateful.eventBus.eventBusArn)]);
    }
  });
});

describe('queues', () => {
  const queues = resourcesOfType(template, 'AWS::SQS::Queue');
  const dlqIds = deadLetterQueueIds();

  it.each(Object.entries(QUEUES))(
    '%s redrives to its own DLQ after maxReceiveCount receives',
    (name, spec) => {
      const { queue, deadLetterQueue } = stateless.queues[name as keyof typeof QUEUES];

      expect(resource(template, logicalId(queue)).Properties?.['RedrivePolicy']).toEqual({
        deadLetterTargetArn: arnOf(deadLetterQueue),
        maxReceiveCount: spec.maxReceiveCount,
      });
    },
  );

  it('has a DLQ for every queue that is not itself a DLQ', () => {
    for (const [id, queue] of Object.entries(queues)) {
      if (!dlqIds.has(id)) expect(queue.Properties?.['RedrivePolicy'], id).toBeDefined();
    }
  });

  it('encrypts every queue and refuses non-TLS access to it', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(queues)) {
      expect(
        queue.Properties?.['SqsManagedSseEnabled'] ?? queue.Properties?.['KmsMasterKeyId'],
        id,
      ).toBeTruthy();
      const denyInsecure = policies.some((policy) => {
        const json = JSON.stringify(policy.Properties);
        return json.includes(`{"Ref":"${id}"}`) && json.includes('"aws:SecureTransport":"false"');
      });
      expect(denyInsecure, id).toBe(true);
    }
  });

  it('alarms on a message in any dead-letter queue', () => {
    expect(dlqIds.size).toBeGreaterThan(0);
    for (const id of dlqIds) {
      const alarm = alarms.find(
        (a) =>
          a.Properties?.['MetricName'] === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties?.['Dimensions']) ===
            JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
      );
      expect(alarm, id).toBeDefined();
      expect(alarm?.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [alarmTopicRef],
      });
    }
  });

  /** The logical id and properties of the age alarm on dead-letter queue `id`, if any. */
  const dlqAgeAlarm = (id: string) =>
    Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).find(
      ([, a]) =>
        a.Properties?.['MetricName'] === 'ApproximateAgeOfOldestMessage' &&
        JSON.stringify(a.Properties?.['Dimensions']) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
    );

  it('has an age alarm on every dead-letter queue, not only on those the stack names', () => {
    const named = [
      ...Object.values(stateless.queues).map((pair) => pair.deadLetterQueue),
      stateless.undeliverableEventsQueue,
      stateless.undeliverableSchedulesQueue,
      stateless.failedScheduledRunsQueue,
    ].map((queue) => logicalId(queue));

    expect([...dlqIds].sort()).toEqual(named.sort());
    for (const id of dlqIds) expect(dlqAgeAlarm(id), id).toBeDefined();
  });

  it.each([
    ...Object.entries(stateless.queues).map(([name, pair]) => [`${name}Dlq`, pair.deadLetterQueue] as const),
    ['undeliverableEventsDlq', stateless.undeliverableEventsQueue] as const,
    ['undeliverableSchedulesDlq', stateless.undeliverableSchedulesQueue] as const,
    ['failedScheduledRunsDlq', stateless.failedScheduledRunsQueue] as const,
  ])(
    'alarms again when a message has waited days in %s, with days left to redrive it before SQS deletes it',
    (_, queue) => {
      const id = logicalId(queue);
      const retentionSeconds = Number(queues[id]?.Properties?.['MessageRetentionPeriod']);
      const [alarmId, alarm] = dlqAgeAlarm(id) ?? [];
      const threshold = Number(alarm?.Properties?.['Threshold']);
      const window = Number(alarm?.Properties?.['Period']) * Number(alarm?.Properties?.['EvaluationPeriods']);
      const day = 24 * 60 * 60;

      expect(alarm?.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [alarmTopicRef],
        OKActions: [alarmTopicRef],
      });
      // Not a second NotEmpty (that one fires at once), and early enough to act on: a week at 14 days.
      expect(threshold).toBeGreaterThanOrEqual(day);
      expect(retentionSeconds - (threshold + window)).toBeGreaterThanOrEqual(3 * day);
      // On the dashboard, like every alarm.
      const dashboard = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'))[0];
      expect(alarmId).toBeDefined();
      expect(JSON.stringify(dashboard?.Properties?.['DashboardBody'])).toContain(`"${alarmId}"`);
    },
  );

  it('keeps every dead-letter queue when a protected stage is redeployed or deleted, and only then', () => {
    const prod = synthApp('prod', { bundle: false });
    const prodQueues = resourcesOfType(prod.statelessTemplate, 'AWS::SQS::Queue');
    const prodDlqs = [
      ...Object.values(prod.stateless.queues).map((pair) => pair.deadLetterQueue),
      prod.stateless.undeliverableEventsQueue,
      prod.stateless.undeliverableSchedulesQueue,
      prod.stateless.failedScheduledRunsQueue,
    ].map((queue) => logicalId(queue));

    expect(prodDlqs).toHaveLength(dlqIds.size);
    for (const id of prodDlqs) {
      expect(prodQueues[id]?.DeletionPolicy, id).toBe('Retain');
      expect(prodQueues[id]?.UpdateReplacePolicy, id).toBe('Retain');
    }
    for (const id of dlqIds) expect(queues[id]?.DeletionPolicy, id).toBe('Delete');
  });

  it('reports batch item failures from every event source mapping', () => {
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

    expect(mappings.length).toBeGreaterThan(0);
    for (const mapping of mappings) {
      expect(mapping.Properties?.['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
    }
  });
});

describe('alarms', () => {
  it.each(functionIds)('%s has an Errors alarm that notifies the alarm topic', (id) => {
    const alarm = alarms.find(
      (a) =>
        a.Properties?.['MetricName'] === 'Errors' &&
        JSON.stringify(a.Properties?.['Dimensions']) ===
          JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }]),
    );

    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      AlarmActions: [alarmTopicRef],
    });
  });

  /** The one alarm on `metricName` in `namespace` whose dimensions include `dimension`, if any. */
  const alarmOn = (namespace: string, metricName: string, dimension?: { Name: string; Value: unknown }) =>
    alarms.filter(
      (a) =>
        a.Properties?.['Namespace'] === namespace &&
        a.Properties?.['MetricName'] === metricName &&
        (!dimension ||
          JSON.stringify(a.Properties?.['Dimensions'] ?? []).includes(JSON.stringify(dimension))),
    );

  it.each(functionIds)('%s has a Throttles alarm that notifies the alarm topic', (id) => {
    const [alarm] = alarmOn('AWS/Lambda', 'Throttles', { Name: 'FunctionName', Value: { Ref: id } });

    expect(alarm?.Properties).toMatchObject({ Threshold: 0, AlarmActions: [alarmTopicRef] });
  });

  it('alarms on any API 5xx and on a p99 latency over 3 s, for the API itself', () => {
    const [errors] = alarmOn('AWS/ApiGateway', '5XXError');
    const [latency] = alarmOn('AWS/ApiGateway', 'Latency');

    expect(errors?.Properties).toMatchObject({
      Statistic: 'Sum',
      Threshold: 0,
      AlarmActions: [alarmTopicRef],
    });
    expect(latency?.Properties).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 3000,
      AlarmActions: [alarmTopicRef],
    });
    expect(JSON.stringify(errors?.Properties?.['Dimensions'])).toContain('ApiName');
  });

  it('alarms when enquiries over 5 minutes old stay unpublished for 3 sweeps, on the metric the sweeper emits', () => {
    const sweeperEnvironment = environmentOf(template, stateless.functions.outboxSweeper);
    const [alarm] = alarmOn(metricsNamespace(stage.name), CUSTOM_METRICS.outboxBacklog, {
      Name: 'service',
      Value: sweeperEnvironment['POWERTOOLS_SERVICE_NAME'],
    });

    expect(sweeperEnvironment['POWERTOOLS_METRICS_NAMESPACE']).toBe(metricsNamespace(stage.name));
    expect(alarm?.Properties).toMatchObject({
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [alarmTopicRef],
    });
  });

  it('shows every alarm, its state and its metric, on the stage’s dashboard', () => {
    const [dashboard] = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties?.['DashboardBody']);
    const alarmIds = Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));

    expect(dashboard?.Properties?.['DashboardName']).toBe(`csp-${stage.name}-operations`);
    expect(alarmIds.length).toBeGreaterThan(20);
    for (const id of alarmIds) {
      // Once in the status widget and once in the alarm's own graph.
      expect(body.split(`{"Fn::GetAtt":["${id}","Arn"]}`).length - 1, id).toBe(2);
    }
  });

  it('alarms when the account’s Lambda concurrency nears its limit', () => {
    const [alarm] = alarmOn('AWS/Lambda', 'ConcurrentExecutions');

    expect(alarm?.Properties).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 800,
      AlarmActions: [alarmTopicRef],
    });
  });

  it.each(Object.keys(QUEUES))('alarms when a message has waited over 30 minutes in the %s queue', (name) => {
    const queue = stateless.queues[name as keyof typeof QUEUES].queue;
    const [alarm] = alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', {
      Name: 'QueueName',
      Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] },
    });

    expect(alarm?.Properties).toMatchObject({ Threshold: 1800, AlarmActions: [alarmTopicRef] });
  });

  it('alarms on DynamoDB throttling and system errors of the table, across its operations', () => {
    const throttles = alarms.filter((a) =>
      JSON.stringify(a.Properties?.['Metrics'] ?? []).includes('ThrottledRequests'),
    );
    const systemErrors = alarms.filter((a) =>
      JSON.stringify(a.Properties?.['Metrics'] ?? []).includes('SystemErrors'),
    );

    for (const [alarm] of [throttles, systemErrors]) {
      expect(alarm?.Properties).toMatchObject({ Threshold: 0, AlarmActions: [alarmTopicRef] });
      expect(JSON.stringify(alarm?.Properties?.['Metrics'])).toContain('"TableName"');
      expect(JSON.stringify(alarm?.Properties?.['Metrics'])).toContain('"PutItem"');
    }
  });

  it('alarms on SES reputation: bounces above 5 %, complaints above 0.1 %', () => {
    const [bounces] = alarmOn('AWS/SES', 'Reputation.BounceRate');
    const [complaints] = alarmOn('AWS/SES', 'Reputation.ComplaintRate');

    expect(bounces?.Properties).toMatchObject({ Threshold: 0.05, AlarmActions: [alarmTopicRef] });
    expect(complaints?.Properties).toMatchObject({ Threshold: 0.001, AlarmActions: [alarmTopicRef] });
  });

  it('sends alarms to an encrypted, TLS-only topic with the stage alarm email subscribed', () => {
    const topic = resource(template, logicalId(stateless.alarmTopic));
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));

    expect(topic.Properties?.['KmsMasterKeyId']).toEqual(rendered(stateless, stateful.key.keyArn));
    expect(policies.some((p) => JSON.stringify(p.Properties).includes('"aws:SecureTransport":"false"'))).toBe(
      true,
    );
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: stage.alarmEmail,
      TopicArn: alarmTopicRef,
    });
  });
});

describe('API', () => {
  const apiStage = resource(template, logicalId(stateless.api.deploymentStage));

  it('lets API Gateway invoke each route and page function through one permission, for this stage only', () => {
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'));
    const served = new Set<FunctionName>([...ROUTE_LIST.map(functionOf), PAGES_FUNCTION]);

    expect([...served].sort()).toEqual(['api', 'docs', 'web']);
    for (const fn of [...served].map((name) => stateless.functions[name])) {
      const fnPermissions = permissions.filter(
        (p) => JSON.stringify(p.Properties?.['FunctionName']) === JSON.stringify(arnOf(fn)),
      );

      expect(fnPermissions).toHaveLength(1);
      expect(fnPermissions[0]?.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
      });
      const sourceArn = JSON.stringify(fnPermissions[0]?.Properties?.['SourceArn']);
      expect(sourceArn).toContain(logicalId(stateless.api));
      expect(sourceArn).toContain(`/${stage.name}/*/*`);
    }
    // No other function may be invoked by API Gateway, and no permission names a single method.
    expect(
      permissions.filter((p) => p.Properties?.['Principal'] === 'apigateway.amazonaws.com'),
    ).toHaveLength(served.size);
  });

  it('throttles the stage', () => {
    expect(apiStage.Properties?.['MethodSettings']).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: API_THROTTLING.rateLimit,
        ThrottlingBurstLimit: API_THROTTLING.burstLimit,
      }),
    ]);
  });

  it('runs the every-minute outbox sweeper one at a time, never retried (the next run does the same)', () => {
    const sweeper = resource(template, logicalId(stateless.functions.outboxSweeper));
    const schedule = resource(template, logicalId(stateless.schedules['enquiry-outbox-sweeper']));
    const daily = resource(template, logicalId(stateless.schedules['chair-rotation']));

    expect(sweeper.Properties?.['ReservedConcurrentExecutions']).toBe(1);
    expect(schedule.Properties?.['Target']).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 0 } });
    // A daily job is retried: missing it costs a day.
    expect(daily.Properties?.['Target']).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: SCHEDULE_RETRY_POLICY.maximumRetryAttempts },
    });
    expect(SCHEDULE_RETRY_POLICY.maximumRetryAttempts).toBeGreaterThan(0);
  });

  it.each(Object.entries(SCHEDULES))(
    'gives the %s schedule’s function Lambda retries matching the schedule’s, and an on-failure queue',
    (_, spec) => {
      const target = stateless.functions[spec.target];
      const configs = Object.values(resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')).filter(
        (config) =>
          JSON.stringify(config.Properties?.['FunctionName']) === JSON.stringify({ Ref: logicalId(target) }),
      );
      const retries = 'retries' in spec ? spec.retries : SCHEDULE_RETRY_POLICY.maximumRetryAttempts;

      expect(configs).toHaveLength(1);
      expect(configs[0]?.Properties).toMatchObject({
        MaximumRetryAttempts: retries,
        MaximumEventAgeInSeconds:
          retries === 0 ? SCHEDULED_RUN_MAX_AGE_SECONDS.everyMinute : SCHEDULED_RUN_MAX_AGE_SECONDS.daily,
        DestinationConfig: { OnFailure: { Destination: arnOf(stateless.failedScheduledRunsQueue) } },
      });
      // A minute-by-minute run kept longer would overlap the next; a daily one dropped within the hour is lost.
      expect(SCHEDULED_RUN_MAX_AGE_SECONDS.everyMinute).toBeLessThanOrEqual(60);
      expect(SCHEDULED_RUN_MAX_AGE_SECONDS.daily).toBeGreaterThanOrEqual(60 * 60);
    },
  );

  it('throttles the whole stage below what one partnership could need, with a burst above the rate', () => {
    const [setting] = (apiStage.Properties?.['MethodSettings'] ?? []) as {
      ThrottlingRateLimit: number;
      ThrottlingBurstLimit: number;
    }[];

    // A council's contact form and its staff make a few requests a second; 100/s is already a flood.
    expect(setting?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(setting?.ThrottlingRateLimit).toBeLessThanOrEqual(100);
    expect(setting?.ThrottlingBurstLimit).toBeGreaterThanOrEqual(Number(setting?.ThrottlingRateLimit));
    expect(setting?.ThrottlingBurstLimit).toBeLessThanOrEqual(200);
  });

  it('runs AWS’s managed rule groups for bad IP reputation and known bad inputs, blocking', () => {
    const acl = Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL'))[0];
    const rules = acl?.Properties?.['Rules'] as {
      Statement: { ManagedRuleGroupStatement?: { VendorName: string; Name: string } };
      OverrideAction?: { None?: object; Count?: object };
    }[];
    const managed = rules.filter((rule) => rule.Statement.ManagedRuleGroupStatement);

    expect(managed.map((rule) => rule.Statement.ManagedRuleGroupStatement?.Name).sort()).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    for (const rule of managed) {
      expect(rule.Statement.ManagedRuleGroupStatement?.VendorName).toBe('AWS');
      // Count would only watch: the groups must block.
      expect(rule.OverrideAction).toEqual({ None: {} });
    }
  });

  it('writes JSON access logs without client IPs to an encrypted log group, and traces requests', () => {
    const setting = apiStage.Properties?.['AccessLogSetting'] as { DestinationArn: unknown; Format: string };
    // The destination is the access log group's ARN, as a GetAtt or (newer feature flags) a Join on its name.
    const destination = JSON.stringify(setting.DestinationArn);
    const logGroupId = Object.keys(resourcesOfType(template, 'AWS::Logs::LogGroup')).find((id) =>
      destination.includes(`"${id}"`),
    );
    const logGroup = resource(template, logGroupId!);

    expect(JSON.parse(setting.Format)).toHaveProperty('requestId', '$context.requestId');
    expect(setting.Format).not.toContain('sourceIp');
    expect(logGroup.Properties?.['RetentionInDays']).toBe(stage.logRetentionDays);
    expect(logGroup.Properties?.['KmsKeyId']).toBeDefined();
    expect(apiStage.Properties?.['TracingEnabled']).toBe(true);
  });

  it('writes execution logs for errors only, never bodies, to a log group it creates encrypted with the stage retention', () => {
    expect(apiStage.Properties?.['MethodSettings']).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
      }),
    ]);
    const executionLogs = Object.values(resourcesOfType(template, 'AWS::Logs::LogGroup')).filter((group) =>
      String(JSON.stringify(group.Properties?.['LogGroupName'])).includes('API-Gateway-Execution-Logs_'),
    );
    expect(executionLogs).toHaveLength(1);
    expect(JSON.stringify(executionLogs[0]?.Properties?.['LogGroupName'])).toContain(
      `"Ref":"${logicalId(stateless.api)}"},"/${stage.name}"`,
    );
    expect(executionLogs[0]?.Properties?.['RetentionInDays']).toBe(stage.logRetentionDays);
    expect(executionLogs[0]?.Properties?.['KmsKeyId']).toBeDefined();
  });

  it('deploys after the bootstrap stack that gives API Gateway its account-wide logging role', () => {
    const { bootstrap, bootstrapTemplate } = synthApp('dev', { bundle: false });
    const [account] = Object.values(resourcesOfType(bootstrapTemplate, 'AWS::ApiGateway::Account'));
    const roleId = logicalId(bootstrap.apiGatewayLogsRole);
    const role = resource(bootstrapTemplate, roleId);

    expect(stateless.dependencies.map((stack) => stack.stackName)).toContain(bootstrap.stackName);
    expect(account?.Properties?.['CloudWatchRoleArn']).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(JSON.stringify(role.Properties?.['AssumeRolePolicyDocument'])).toContain(
      'apigateway.amazonaws.com',
    );
    expect(JSON.stringify(role.Properties?.['ManagedPolicyArns'])).toContain(
      'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
  });

  it('logs only the requests WAF blocks, without query strings or credentials, encrypted, for a month', () => {
    const [logging] = Object.values(resourcesOfType(template, 'AWS::WAFv2::LoggingConfiguration'));
    const logGroup = resource(template, logicalId(stateless.firewall.logGroup));

    expect(logging?.Properties?.['ResourceArn']).toEqual({
      'Fn::GetAtt': [stateless.getLogicalId(stateless.firewall.webAcl), 'Arn'],
    });
    expect(logging?.Properties?.['RedactedFields']).toEqual(
      expect.arrayContaining([
        { QueryString: {} },
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
      ]),
    );
    expect(logging?.Properties?.['LoggingFilter']).toEqual({
      DefaultBehavior: 'DROP',
      Filters: [
        {
          Behavior: 'KEEP',
          Requirement: 'MEETS_ANY',
          Conditions: [{ ActionCondition: { Action: 'BLOCK' } }],
        },
      ],
    });
    expect(JSON.stringify(logging?.Properties?.['LogDestinationConfigs'])).toContain(
      `:log-group:aws-waf-logs-csp-${stage.name}-api`,
    );
    expect(logGroup.Properties).toMatchObject({
      LogGroupName: `aws-waf-logs-csp-${stage.name}-api`,
      RetentionInDays: 30,
    });
    expect(logGroup.Properties?.['KmsKeyId']).toBeDefined();
  });

  it('puts a WAF web ACL with a per-IP rate limit in front of the stage', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: rendered(stateless, stateless.api.deploymentStage.stageArn),
    });
    const acl = Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL'))[0];
    expect(JSON.stringify(acl?.Properties)).toContain('"AggregateKeyType":"IP"');
  });

  it("answers CORS preflight for the stage's origins only", () => {
    const options = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties?.['HttpMethod'] === 'OPTIONS',
    );

    expect(options.length).toBeGreaterThan(0);
    for (const method of options) {
      const json = JSON.stringify(method.Properties);
      for (const origin of stage.allowedOrigins) expect(json).toContain(origin);
      expect(json).not.toContain("'*'");
    }
  });

  it.each([
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'not-found'],
    ['THROTTLED', '429', 'too-many-requests'],
    ['WAF_FILTERED', '403', 'request-blocked'],
    ['DEFAULT_5XX', '500', 'internal-error'],
  ])('answers its own %s errors with a %s problem+json', (responseType, status, slug) => {
    const response = Object.values(resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')).find(
      (r) => r.Properties?.['ResponseType'] === responseType,
    );

    expect(response?.Properties?.['StatusCode']).toBe(status);
    expect(response?.Properties?.['ResponseParameters']).toMatchObject({
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
    });
    const templates = response?.Properties?.['ResponseTemplates'] as Record<string, string> | undefined;
    const body = JSON.parse(String(templates?.['application/json']));
    expect(body).toMatchObject({ type: `urn:csp:problem:${slug}`, status: Number(status) });
  });
});

describe('API Gateway’s own answers', () => {
  /** The policy's directives and their sources, `'none'` dropped: an empty list allows nothing either. */
  const cspDirectives = (policy: string) =>
    Object.fromEntries(
      policy
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...sources]) => [name, sources.filter((source) => source !== "'none'")]),
    );

  /** The headers the functions' own middleware puts on a JSON response. */
  const functionHeaders = async (): Promise<Headers> => {
    const app = new Hono().use(securityHeaders());
    app.get('/', (c) => c.json({}));
    return (await app.request('/')).headers;
  };

  it.each(Object.keys(GATEWAY_PROBLEMS))(
    '%s carries the security headers the functions’ responses carry',
    async (type) => {
      const response = Object.values(resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')).find(
        (r) => r.Properties?.['ResponseType'] === type,
      );
      const parameters = (response?.Properties?.['ResponseParameters'] ?? {}) as Record<string, string>;
      /** The header's value: API Gateway takes a static value between single quotes, with none inside. */
      const header = (name: string): string => {
        const quoted = parameters[`gatewayresponse.header.${name}`];
        expect(quoted, name).toMatch(/^'[^']+'$/);
        return String(quoted).slice(1, -1);
      };
      const fromFunction = await functionHeaders();

      expect(header('X-Content-Type-Options')).toBe('nosniff');
      expect(header('Cache-Control')).toBe('no-store');
      expect(Number(/max-age=(\d+)/.exec(header('Strict-Transport-Security'))?.[1])).toBeGreaterThanOrEqual(
        365 * 24 * 60 * 60,
      );
      const same = [
        'X-Content-Type-Options',
        'Strict-Transport-Security',
        'X-Frame-Options',
        'Referrer-Policy',
        'Cache-Control',
      ];
      for (const name of same) {
        expect(header(name), name).toBe(fromFunction.get(name));
      }
      // Nothing may load or frame an error document, as with the functions' JSON.
      const policy = cspDirectives(header('Content-Security-Policy'));
      expect(policy).toEqual(cspDirectives(String(fromFunction.get('Content-Security-Policy'))));
      expect(policy['default-src']).toEqual([]);
      expect(policy['frame-ancestors']).toEqual([]);
    },
  );

  it('answers every CORS preflight with the same security headers', async () => {
    const preflights = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties?.['HttpMethod'] === 'OPTIONS',
    );
    const fromFunction = await functionHeaders();

    expect(preflights.length).toBeGreaterThan(0);
    for (const preflight of preflights) {
      const integration = preflight.Properties?.['Integration'] as {
        IntegrationResponses: { ResponseParameters: Record<string, string> }[];
      };
      const [declared] = (preflight.Properties?.['MethodResponses'] ?? []) as {
        ResponseParameters: Record<string, boolean>;
      }[];
      const [answer] = integration.IntegrationResponses;
      const header = (name: string) => {
        // A header the method response does not declare is dropped by API Gateway.
        expect(declared?.ResponseParameters[`method.response.header.${name}`], name).toBe(true);
        return answer?.ResponseParameters[`method.response.header.${name}`];
      };

      for (const name of ['X-Content-Type-Options', 'Strict-Transport-Security', 'Cache-Control']) {
        expect(header(name), name).toBe(`'${fromFunction.get(name)}'`);
      }
      const policy = cspDirectives(String(header('Content-Security-Policy')).slice(1, -1));
      expect(policy).toEqual(cspDirectives(String(fromFunction.get('Content-Security-Policy'))));
      // Still a CORS answer.
      expect(header('Access-Control-Allow-Origin')).toBeDefined();
    }
  });
});

describe('outputs', () => {
  it('exports what the deploy runbook needs: API and console URLs, table, bus, staff pool, alarm topic, dashboard', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(outputs['StaffUserPoolId']?.Value).toEqual(rendered(stateless, stateful.staffUserPool.userPoolId));
    expect(outputs['AlarmTopicArn']?.Value).toEqual({ Ref: logicalId(stateless.alarmTopic) });
    expect(outputs['DashboardName']?.Value).toBe(`csp-${stage.name}-operations`);
    expect(outputs['ApiUrl']?.Value).toEqual(rendered(stateless, stateless.apiUrl));
    expect(outputs['StaffConsoleUrl']?.Value).toEqual(rendered(stateless, `${stateless.apiUrl}/console`));
    expect(outputs['TableName']?.Value).toEqual(rendered(stateless, stateful.table.tableName));
    expect(outputs['EventBusName']?.Value).toEqual(rendered(stateless, stateful.eventBus.eventBusName));
  });
});
