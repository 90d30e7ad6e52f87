import {
  type CfnElement,
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  type CfnMethod,
  CognitoUserPoolsAuthorizer,
  DomainName,
  EndpointType,
  Integration,
  IntegrationType,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmWidget,
  ComparisonOperator,
  Dashboard,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  ClientAttributes,
  type IUserPool,
  type IUserPoolClient,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern as CdkEventPattern, EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  GATEWAY_PROBLEMS,
  GATEWAY_SECURITY_HEADERS,
  type GatewayResponseType,
  gatewayProblem,
  PROBLEM_CONTENT_TYPE,
} from '../functions/api/problem.ts';
import { ENV } from '../functions/config.ts';
import { CUSTOM_METRICS, metricsNamespace } from '../functions/metrics.ts';
import {
  API_CORS,
  type EventPattern,
  FUNCTIONS,
  type FunctionName,
  type FunctionSetting,
  type FunctionSpec,
  functionOf,
  isStaffRoute,
  OUTBOX_SWEEP,
  PAGE_LIST,
  PAGES,
  PAGES_FUNCTION,
  QUEUES,
  type QueueName,
  ROUTE_LIST,
  ROUTES,
  RULE_RETRY_POLICY,
  RULES,
  type RuleName,
  type RuleSpec,
  SCHEDULES,
  type ScheduleName,
  type ScheduleSpec,
} from '../functions/topology.ts';
import { ApiFirewall } from './constructs/api-firewall.ts';
import { CspFunction } from './constructs/csp-function.ts';
import { isProtectedStage, type StageConfig } from './stage-config.ts';
import { STAFF_CUSTOM_ATTRIBUTES } from './stateful-stack.ts';

/** Props of {@link StatelessStack}: the stage and the stateful stack's resources. */
export interface StatelessStackProps extends StackProps {
  readonly stage: StageConfig;
  /** Customer-managed key for log groups and the alarm topic. */
  readonly key: IKey;
  readonly table: ITable;
  readonly eventBus: IEventBus;
  readonly emailIdentity: IEmailIdentity;
  /** ARN of the identity's default configuration set, which SES also authorises `SendEmail` against. */
  readonly configurationSetArn: string;
  /** Keys the hashes of personal data. */
  readonly personalDataKey: ISecret;
  /** Keys the staff console's session cookies. */
  readonly sessionKey: ISecret;
  /** Staff users, whose ID tokens the staff routes accept. */
  readonly staffUserPool: IUserPool;
  readonly staffClient: IUserPoolClient;
  /**
   * Base URL of the staff pool's hosted sign-in pages and OAuth 2.0 endpoints, e.g.
   * `https://csp-prod-ashford.auth.eu-west-2.amazoncognito.com`.
   */
  readonly staffSignInUrl: string;
}

/** A work queue and the dead-letter queue its failed messages end up in. */
export interface QueuePair {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/** Stage-wide API Gateway throttling: ample for a council enquiry form, and a ceiling on cost if abused. */
export const API_THROTTLING = { rateLimit: 25, burstLimit: 50 } as const;

/**
 * How long a console session lasts at most: the console client's refresh token validity. The ID token it
 * renews lasts an hour, so a user disabled (or moved to another group) keeps at most that hour of the old access.
 */
export const CONSOLE_SESSION_HOURS = 8;

/** Per-IP WAF limit; a person filling in the form makes a handful of requests. */
export const REQUESTS_PER_IP_PER_5_MINUTES = 300;

/**
 * Per-IP WAF limit on the pages' static assets, counted apart from the rest (a council office behind one NAT
 * address must not be blocked by them). Browsers cache them (the stylesheet for a year), so even a busy office
 * fetches few; the limit is there so one client cannot spend the stage's throttling budget on them.
 */
export const ASSET_REQUESTS_PER_IP_PER_5_MINUTES = 1_500;

/** Enquiries one client IP may submit in any 5 minutes (WAF's smallest rate limit is 10). */
export const ENQUIRIES_PER_IP_PER_5_MINUTES = 10;

/**
 * Scheduler retries. A missed outbox sweep is followed by the next one a minute later, so retry briefly and let
 * stale invocations go to the dead-letter queue instead of piling up.
 */
export const SCHEDULE_RETRY_POLICY = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 60 } as const;

/**
 * How long Lambda keeps retrying a scheduled run that failed or was throttled before handing it to the
 * failed-runs queue: a daily job caught up within hours still does its day's work (each run decides for its
 * scheduled time); a run of a job scheduled every minute is stale after a minute.
 */
export const SCHEDULED_RUN_MAX_AGE_SECONDS = { daily: 6 * 60 * 60, everyMinute: 60 } as const;

/**
 * Everything that can be replaced at will, built from `functions/topology.ts`: the functions, the queues between
 * the bus and them, the bus rules, the schedules, the public REST API, and the alarms.
 */
export class StatelessStack extends Stack {
  public readonly functions: Record<FunctionName, CspFunction>;
  public readonly queues: Record<QueueName, QueuePair>;
  /** Where the bus rules put events they could not deliver to their queue. */
  public readonly undeliverableEventsQueue: Queue;
  public readonly rules: Record<RuleName, Rule>;
  /** Where the scheduler puts invocations it could not deliver. */
  public readonly undeliverableSchedulesQueue: Queue;
  /** Where Lambda puts scheduled runs that failed after their retries (the functions' on-failure destination). */
  public readonly failedScheduledRunsQueue: Queue;
  public readonly schedules: Record<ScheduleName, Schedule>;
  public readonly api: RestApi;
  public readonly firewall: ApiFirewall;
  /** The API's public base URL: its custom domain when the stage has one, else {@link executeApiUrl}. */
  public readonly apiUrl: string;
  /**
   * The API's execute-api URL, derived from the API id (see the constructor for why not `api.url`). Disabled (it
   * answers 403) when the stage has its own domain.
   */
  public readonly executeApiUrl: string;
  /** The stage's own domain for the API, when it has one. */
  public readonly apiDomain?: DomainName;
  /** The staff console's app client: the hosted sign-in's code flow back to the console. */
  public readonly consoleClient: UserPoolClient;
  public readonly alarmTopic: Topic;
  /** One page for the on-call officer: every alarm's state, then each alarm's metric against its threshold. */
  public readonly dashboard: Dashboard;
  private readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong (export/import) references, chosen explicitly rather than by default: CloudFormation then refuses
    // to delete or replace the stateful stack's table, bus or key while this stack still uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { stage, key, table, eventBus } = props;
    const prefix = `csp-${stage.name}`;
    const removalPolicy = isProtectedStage(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logs = { retention: stage.logRetentionDays, encryptionKey: key, removalPolicy };

    this.api = new RestApi(this, 'Api', {
      restApiName: `${prefix}-api`,
      description: 'Public enquiry API and the staff API',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // With its own domain, the stage is served there only: on the execute-api URL the console's links (built for
      // the domain's root, not `/<stage>`) would break, and staff signing in there would be sent back to the domain.
      // API Gateway applies this only when the stage changes; CDK hashes it into the deployment's logical id, so
      // switching it deploys anew.
      disableExecuteApiEndpoint: stage.apiDomain !== undefined,
      // The account's logging role comes from the bootstrap stack, which no stage owns.
      cloudWatchRole: false,
      deployOptions: {
        stageName: stage.name,
        throttlingRateLimit: API_THROTTLING.rateLimit,
        throttlingBurstLimit: API_THROTTLING.burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        // Execution logs for errors only, and never request or response bodies: those hold personal data.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(new LogGroup(this, 'ApiAccessLogs', logs)),
        accessLogFormat: accessLogFormat(),
      },
    });
    // API Gateway would create the execution log group itself, unencrypted and kept for ever: create it first.
    new LogGroup(this, 'ApiExecutionLogs', {
      ...logs,
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${stage.name}`,
    });
    // Not `api.url`: that names the deployment stage, which depends on the methods, which depend on the `api`
    // function, whose environment would then depend on the stage: a cycle. The id and our own stage name give
    // the same URL with only a function → RestApi dependency.
    this.executeApiUrl = `https://${this.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${stage.name}`;
    this.apiDomain = stage.apiDomain && this.addApiDomain(stage.apiDomain);
    // RestApi's own `Endpoint` output names the execute-api URL, which then answers 403 to everybody.
    if (stage.apiDomain) this.api.node.tryRemoveChild('Endpoint');
    // Links in emails stay valid for years: on the stage's own domain they survive the API being replaced.
    this.apiUrl = stage.apiDomain ? `https://${stage.apiDomain.name}` : this.executeApiUrl;

    const sender = {
      address: stage.senderAddress,
      identityArn: props.emailIdentity.emailIdentityArn,
      configurationSetArn: props.configurationSetArn,
    };
    this.consoleClient = this.addConsoleClient(prefix, props.staffUserPool);
    const staffIssuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${props.staffUserPool.userPoolId}`;
    // The value of every setting a function may declare in the topology.
    const settings: Record<FunctionSetting, string> = {
      [ENV.enquiryRetentionDays]: String(stage.enquiryRetentionDays),
      [ENV.anonymiseAfterMonths]: JSON.stringify(stage.anonymiseAfterMonths),
      [ENV.publicApiUrl]: this.apiUrl,
      [ENV.statusPageBaseUrl]: stage.statusPageBaseUrl ?? this.apiUrl,
      [ENV.allowedOrigins]: stage.allowedOrigins.join(','),
      [ENV.authIssuer]: staffIssuer,
      [ENV.authAudience]: props.staffClient.userPoolClientId,
      [ENV.authJwksUrl]: `${staffIssuer}/.well-known/jwks.json`,
      [ENV.outboxGraceSeconds]: String(OUTBOX_SWEEP.graceSeconds),
      [ENV.authDomainUrl]: props.staffSignInUrl,
      [ENV.consoleClientId]: this.consoleClient.userPoolClientId,
    };
    // Each function gets exactly what its topology entry declares: table actions, bus, SES and settings.
    this.functions = mapRecord(FUNCTIONS, (spec: FunctionSpec, name) => {
      const fn = new CspFunction(this, `${pascalCase(name)}Function`, {
        spec,
        logs,
        serviceName: `csp-${kebabCase(name)}`,
        metricsNamespace: metricsNamespace(stage.name),
      });
      if (spec.table) fn.bindTable(table, spec.table);
      if (spec.bus) fn.bindEventBus(eventBus);
      if (spec.ses) fn.allowSendingEmailAs(sender);
      if (spec.personalDataKey) fn.allowReadingPersonalDataKey(props.personalDataKey);
      if (spec.sessionKey) fn.allowReadingSessionKey(props.sessionKey);
      for (const setting of spec.settings) fn.addEnvironment(setting, settings[setting]);
      return fn;
    });

    this.addRoutes(stage, props.staffUserPool);
    this.firewall = new ApiFirewall(this, 'ApiFirewall', {
      name: `${prefix}-api`,
      stageArn: this.api.deploymentStage.stageArn,
      requestsPerIpPer5Minutes: REQUESTS_PER_IP_PER_5_MINUTES,
      assets: {
        // The path WAF sees starts with the stage on the execute-api URL, with the route itself on the stage's own
        // domain (mapped at its root, and then the only way in).
        pathPrefix: `${stage.apiDomain ? '' : `/${stage.name}`}${directoryOf(PAGES.asset.path)}`,
        perIpPer5Minutes: ASSET_REQUESTS_PER_IP_PER_5_MINUTES,
      },
      // The contact form submits enquiries too; its visitors get a page, not JSON, when they submit too many.
      enquiries: {
        apiPaths: [ROUTES.submitEnquiry.path],
        formPaths: [PAGES.submitContactForm.path],
        perIpPer5Minutes: ENQUIRIES_PER_IP_PER_5_MINUTES,
      },
      logs: { encryptionKey: key, removalPolicy },
    });

    this.queues = mapRecord(QUEUES, (spec, name) => {
      const deadLetterQueue = new Queue(this, `${pascalCase(name)}Dlq`, {
        ...QUEUE_DEFAULTS,
        retentionPeriod: Duration.days(spec.dlqRetentionDays),
        // A redeploy that replaces the queue must not delete the messages waiting to be redriven.
        removalPolicy,
      });
      const queue = new Queue(this, `${pascalCase(name)}Queue`, {
        ...QUEUE_DEFAULTS,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      });
      this.functions[spec.consumer].addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.batchSize,
          maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
          maxConcurrency: spec.maxConcurrency,
          // The consumers return the ids of failed records, so one bad message does not fail its batch.
          reportBatchItemFailures: true,
        }),
      );
      return { queue, deadLetterQueue };
    });

    this.undeliverableEventsQueue = this.targetDeadLetterQueue(
      'UndeliverableEventsDlq',
      'the bus rules',
      removalPolicy,
    );
    // AWS services (SES's delivery events) publish only to the account's default bus.
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.rules = mapRecord(RULES, (spec: RuleSpec, name) => {
      const rule = new Rule(this, pascalCase(name), {
        eventBus: spec.bus === 'default' ? defaultBus : eventBus,
        description: spec.description,
        eventPattern: toCdkEventPattern(spec.eventPattern),
      });
      rule.addTarget(
        new SqsQueue(this.queues[spec.targetQueue].queue, {
          retryAttempts: RULE_RETRY_POLICY.maximumRetryAttempts,
          maxEventAge: Duration.seconds(RULE_RETRY_POLICY.maximumEventAgeSeconds),
          deadLetterQueue: this.undeliverableEventsQueue,
        }),
      );
      return rule;
    });

    this.undeliverableSchedulesQueue = this.targetDeadLetterQueue(
      'UndeliverableSchedulesDlq',
      'the scheduler',
      removalPolicy,
    );
    this.failedScheduledRunsQueue = this.targetDeadLetterQueue(
      'FailedScheduledRunsDlq',
      'the scheduled functions (their on-failure destination)',
      removalPolicy,
    );
    this.schedules = mapRecord(SCHEDULES, (spec: ScheduleSpec, name) => {
      const target = this.functions[spec.target];
      const retries = spec.retries ?? SCHEDULE_RETRY_POLICY.maximumRetryAttempts;
      // The scheduler invokes asynchronously: Lambda's own retries (2 by default) and queue come on top of the
      // scheduler's, so they are set to match, and a run that still fails is kept for inspection.
      target.configureAsyncInvoke({
        retryAttempts: retries,
        maxEventAge: Duration.seconds(
          retries === 0 ? SCHEDULED_RUN_MAX_AGE_SECONDS.everyMinute : SCHEDULED_RUN_MAX_AGE_SECONDS.daily,
        ),
        onFailure: new SqsDestination(this.failedScheduledRunsQueue),
      });
      const role = new Role(this, `${pascalCase(name)}ScheduleRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': this.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        }),
        description: `Lets the ${name} schedule invoke its function`,
      });
      const schedule = new Schedule(this, pascalCase(name), {
        scheduleName: `${prefix}-${name}`,
        description: spec.description,
        schedule: ScheduleExpression.expression(
          spec.expression,
          spec.timeZone ? TimeZone.of(spec.timeZone) : undefined,
        ),
        target: new LambdaInvoke(target, {
          role,
          // The handlers decide for the time the run was scheduled, not when a retry happens to arrive.
          input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
          retryAttempts: retries,
          maxEventAge: Duration.seconds(SCHEDULE_RETRY_POLICY.maximumEventAgeSeconds),
          deadLetterQueue: this.undeliverableSchedulesQueue,
        }),
      });
      // LambdaInvoke grants through `grantInvoke`, which adds the function's versions (`<arn>:*`).
      const functionLogicalId = this.getLogicalId(target.node.defaultChild as CfnElement);
      Validations.of(role.node.tryFindChild('DefaultPolicy') ?? role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
        reason: 'Versions of the one function this schedule invokes; it invokes $LATEST',
      });
      return schedule;
    });

    this.alarmTopic = this.createAlarmTopic(stage, key);
    const dlqs: Record<string, { queue: Queue; retentionDays: number }> = {
      ...Object.fromEntries(
        Object.entries(this.queues).map(([name, q]) => [
          `${name}Dlq`,
          { queue: q.deadLetterQueue, retentionDays: QUEUES[name as QueueName].dlqRetentionDays },
        ]),
      ),
      undeliverableEventsDlq: {
        queue: this.undeliverableEventsQueue,
        retentionDays: TARGET_DLQ_RETENTION_DAYS,
      },
      undeliverableSchedulesDlq: {
        queue: this.undeliverableSchedulesQueue,
        retentionDays: TARGET_DLQ_RETENTION_DAYS,
      },
      failedScheduledRunsDlq: {
        queue: this.failedScheduledRunsQueue,
        retentionDays: TARGET_DLQ_RETENTION_DAYS,
      },
    };
    for (const [name, { queue: dlq, retentionDays }] of Object.entries(dlqs)) {
      this.alarm(`${pascalCase(name)}NotEmpty`, {
        description: `Messages are waiting in the ${name} dead-letter queue; inspect and redrive them`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: Stats.MAXIMUM,
        }),
        evaluationPeriods: 1,
      });
      // NotEmpty fires once and stays in alarm while messages wait: this one fires again before SQS deletes
      // them. A dead-letter queue's age counts from the move into it, its retention from the first send, so
      // the alarm comes earlier before deletion than its threshold suggests, never later.
      const ageDays = Math.floor(retentionDays * DLQ_AGE_ALARM_FRACTION_OF_RETENTION);
      this.alarm(`${pascalCase(name)}OldestMessage`, {
        description: `A message has waited over ${ageDays} days in the ${name} dead-letter queue, which deletes it after ${retentionDays}: redrive or inspect it now`,
        metric: dlq.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: Stats.MAXIMUM,
        }),
        threshold: Duration.days(ageDays).toSeconds(),
        evaluationPeriods: 1,
      });
    }
    for (const [name, fn] of Object.entries(this.functions)) {
      this.alarm(`${pascalCase(name)}Errors`, {
        description: `The ${name} function is failing; see its log group`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        evaluationPeriods: 1,
      });
      this.alarm(`${pascalCase(name)}Throttles`, {
        description: `The ${name} function is being throttled: concurrency is exhausted`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: Stats.SUM }),
        evaluationPeriods: 1,
      });
    }
    this.addOperationalAlarms(stage, table);
    const dashboardName = `${prefix}-operations`;
    this.dashboard = this.createDashboard(dashboardName);

    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'Base URL of the public API' });
    if (this.apiDomain) {
      new CfnOutput(this, 'ApiDomainTarget', {
        value: this.apiDomain.domainNameAliasDomainName,
        description: `Point a CNAME (or alias) record for ${stage.apiDomain?.name} at this name`,
      });
    }
    new CfnOutput(this, 'StaffConsoleUrl', {
      value: `${this.apiUrl}${PAGES.inbox.path}`,
      description: 'Where staff sign in to the console (README: the first staff users)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: eventBus.eventBusName });
    new CfnOutput(this, 'StaffUserPoolId', {
      value: props.staffUserPool.userPoolId,
      description: 'Where staff users are created (README: the first staff users)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: `Alarms go here; ${stage.alarmEmail} must confirm its subscription`,
    });
    new CfnOutput(this, 'DashboardName', { value: dashboardName });
  }

  /**
   * The API on the stage's own domain: a regional custom domain with TLS 1.2 or later, its certificate from ACM
   * (the stage's, or one requested here and validated by DNS), mapped at the root to this stage.
   */
  private addApiDomain(config: NonNullable<StageConfig['apiDomain']>): DomainName {
    const certificate = config.certificateArn
      ? Certificate.fromCertificateArn(this, 'ApiCertificate', config.certificateArn)
      : new Certificate(this, 'ApiCertificate', {
          domainName: config.name,
          // CloudFormation waits here until the CNAME ACM asks for (shown in the stack events) is published.
          validation: CertificateValidation.fromDns(),
        });
    const domain = new DomainName(this, 'ApiDomain', {
      domainName: config.name,
      certificate,
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    domain.addBasePathMapping(this.api, { stage: this.api.deploymentStage });
    return domain;
  }

  /**
   * The staff console's app client on the stateful stack's pool. Here, not there, because its callback is this
   * API's URL, and the stateful stack must not depend on this one.
   */
  private addConsoleClient(prefix: string, staffUserPool: IUserPool): UserPoolClient {
    return new UserPoolClient(this, 'StaffConsoleClient', {
      userPool: staffUserPool,
      userPoolClientName: `${prefix}-staff-console`,
      // A public client, protected by PKCE: the web function exchanges the code server-side and the browser
      // never sees a token, so a client secret would add nothing but a second secret for the function to read.
      generateSecret: false,
      // Every flag false (rather than none given, which Cognito reads as SRP and custom auth): only the hosted
      // sign-in pages sign staff in, and CDK adds the refresh-token flow the session renews with.
      authFlows: {
        userPassword: false,
        userSrp: false,
        custom: false,
        adminUserPassword: false,
        user: false,
      },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        // `openid` alone: Cognito then puts every attribute the client may read (the roles' custom attributes
        // included) in the ID token; adding `email` or `profile` would narrow the token to those scopes'
        // claims. No `aws.cognito.signin.user.admin`: the console's tokens cannot change the user.
        scopes: [OAuthScope.OPENID],
        // Redirects must match exactly: the web function builds them from PUBLIC_API_URL, the same apiUrl.
        callbackUrls: [`${this.apiUrl}${PAGES.signInCallback.path}`],
        logoutUrls: [`${this.apiUrl}${PAGES.signedOut.path}`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // Signing out revokes the refresh token, so a copied session cookie dies with the session.
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(CONSOLE_SESSION_HOURS),
      // What the console shows and decides on: who the user is, and their organisation and agency.
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(...STAFF_CUSTOM_ATTRIBUTES),
      // Cognito reads an empty list as every standard attribute; the tokens cannot write anyway (no admin
      // scope), and never the organisation or agency, which only admins set.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
  }

  /**
   * One resource and method per `ROUTES` entry, proxied to the function serving it, plus CORS preflight; and
   * one per `PAGES` entry, proxied to the web function.
   */
  private addRoutes(stage: StageConfig, staffUserPool: IUserPool): void {
    const staffAuthorizer = new CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', {
      cognitoUserPools: [staffUserPool],
      authorizerName: 'staff-id-token',
    });
    // A proxy integration per function, without LambdaIntegration's one permission per method (28 of them
    // filled 12 KB of the function policy's 20 KB): one permission covers every method and path of this stage.
    const integrations = new Map<FunctionName, Integration>();
    const integrationOf = (name: FunctionName): Integration => {
      const existing = integrations.get(name);
      if (existing) return existing;
      const fn = this.functions[name];
      const integration = new Integration({
        type: IntegrationType.AWS_PROXY,
        integrationHttpMethod: 'POST',
        uri: `arn:${this.partition}:apigateway:${this.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
      });
      fn.addPermission('ApiInvoke', {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: this.api.arnForExecuteApi('*', '/*', stage.name),
      });
      integrations.set(name, integration);
      return integration;
    };
    // Only checks that path parameters are present; the function validates bodies against its schemas.
    const requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const methodsByPath = new Map<string, string[]>();
    for (const route of ROUTE_LIST) {
      const integration = integrationOf(functionOf(route));
      const resource = this.api.root.resourceForPath(route.path);
      const requestParameters = pathParametersOf(route.path);
      if (isStaffRoute(route)) {
        // API Gateway rejects a missing or invalid staff token before the function runs.
        resource.addMethod(route.method, integration, {
          authorizationType: AuthorizationType.COGNITO,
          authorizer: staffAuthorizer,
          requestValidator,
          requestParameters,
        });
      } else {
        const method = resource.addMethod(route.method, integration, {
          authorizationType: AuthorizationType.NONE,
          requestValidator,
          requestParameters,
        });
        acknowledgePublicMethod(method, 'Public by design: enquiries, status links and published records');
      }
      methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
    }
    // Pages are public to API Gateway: they answer HTML, and the console checks its own session cookie, which a
    // Cognito authorizer cannot read. No CORS preflight (the pages' forms and assets are same-origin) and no
    // binary media types (every asset is text: CSS and SVG).
    const pagesIntegration = integrationOf(PAGES_FUNCTION);
    for (const page of PAGE_LIST) {
      const method = this.api.root.resourceForPath(page.path).addMethod(page.method, pagesIntegration, {
        authorizationType: AuthorizationType.NONE,
        requestValidator,
        requestParameters: pathParametersOf(page.path),
      });
      acknowledgePublicMethod(
        method,
        'A page: it answers HTML, and the staff console checks its own session cookie, which a Cognito authorizer cannot read',
      );
    }
    for (const [path, methods] of methodsByPath) {
      const preflight = this.api.root.resourceForPath(path).addCorsPreflight({
        allowOrigins: [...stage.allowedOrigins],
        allowMethods: [...methods, 'OPTIONS'],
        allowHeaders: [...API_CORS.allowHeaders],
        maxAge: Duration.seconds(API_CORS.maxAgeSeconds),
      });
      acknowledgePublicMethod(preflight, 'Browsers send CORS preflight requests without credentials');
      withSecurityHeaders(preflight);
    }
    this.addGatewayProblems();
  }

  /**
   * Errors API Gateway answers itself (unknown route, throttling, WAF, oversized body, integration failure)
   * become the same problem+json documents the function returns, readable by browsers from any origin, with
   * the same security headers. Without this an unknown path answers 403 "Missing Authentication Token", which
   * misleads every API consumer.
   */
  private addGatewayProblems(): void {
    for (const type of Object.keys(GATEWAY_PROBLEMS) as GatewayResponseType[]) {
      const { status, body, headers } = gatewayProblem(type);
      this.api.addGatewayResponse(`Problem${pascalCase(type.toLowerCase())}`, {
        type: ResponseType.of(type),
        statusCode: status === undefined ? undefined : String(status),
        // API Gateway reads each value as a static string between single quotes.
        responseHeaders: Object.fromEntries(
          Object.entries({
            ...GATEWAY_SECURITY_HEADERS,
            'Content-Type': PROBLEM_CONTENT_TYPE,
            'Access-Control-Allow-Origin': '*',
            ...headers,
          }).map(([name, value]) => [name, `'${value}'`]),
        ),
        templates: { 'application/json': JSON.stringify(body) },
      });
    }
  }

  /** A dead-letter queue for a service's undeliverable target invocations (not an SQS redrive target). */
  private targetDeadLetterQueue(id: string, owner: string, removalPolicy: RemovalPolicy): Queue {
    const queue = new Queue(this, id, {
      ...QUEUE_DEFAULTS,
      retentionPeriod: Duration.days(TARGET_DLQ_RETENTION_DAYS),
      // Kept in protected stages: a redeploy must not delete what waits to be redriven.
      removalPolicy,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue of ${owner}; NotEmpty and OldestMessage alarms watch it`,
    });
    return queue;
  }

  private createAlarmTopic(stage: StageConfig, key: IKey): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `CSP ${stage.name} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // The topic has a policy (enforceSSL), so CloudWatch must be named in it; only this account's alarms.
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm:*' }) },
        },
      }),
    );
    topic.addSubscription(new EmailSubscription(stage.alarmEmail));
    return topic;
  }

  /**
   * What `app.ts` turns into answers (so no function error), and what no single function sees: the API's 5xx
   * and latency, the account's concurrency, every queue's oldest message, the table's throttling and system
   * errors, and SES's reputation (SES pauses sending above about 10 % bounces or 0.5 % complaints).
   */
  private addOperationalAlarms(stage: StageConfig, table: ITable): void {
    const fiveMinutes = Duration.minutes(5);
    this.alarm('OutboxBacklog', {
      description:
        'Enquiries received over 5 minutes ago have still not reached the router for 3 minutes: publishing to ' +
        'EventBridge is failing (see the outbox-sweeper log group and docs/delivery.md). Nothing is lost: the ' +
        'sweeper keeps republishing',
      metric: new Metric({
        namespace: metricsNamespace(stage.name),
        metricName: CUSTOM_METRICS.outboxBacklog,
        dimensionsMap: { service: this.functions.outboxSweeper.serviceName },
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      evaluationPeriods: 3,
    });
    this.alarm('Api5xx', {
      description:
        'The API answered 5xx (an outage answers 503; anything else is a fault): see the api log group',
      metric: this.api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }),
      evaluationPeriods: 1,
    });
    this.alarm('ApiLatencyP99', {
      description: 'The slowest 1 % of API requests took over 3 s for 15 minutes',
      metric: this.api.metricLatency({ period: fiveMinutes, statistic: Stats.p(99) }),
      threshold: 3000,
      evaluationPeriods: 3,
    });
    this.alarm('ConcurrentExecutions', {
      description:
        'Lambda concurrency in the account is near its limit (1,000 by default); throttling follows',
      metric: new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'ConcurrentExecutions',
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 800,
      evaluationPeriods: 3,
    });
    for (const [name, { queue }] of Object.entries(this.queues)) {
      this.alarm(`${pascalCase(name)}QueueAge`, {
        description: `A message has waited over 30 minutes in the ${name} queue: its consumer is failing or an outage is being outlasted`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: Stats.MAXIMUM }),
        threshold: 30 * 60,
        evaluationPeriods: 1,
      });
    }
    this.alarm('TableThrottles', {
      description: 'DynamoDB throttled requests to the table',
      metric: table.metricThrottledRequestsForOperations({
        operations: TABLE_OPERATIONS,
        period: fiveMinutes,
      }),
      evaluationPeriods: 1,
    });
    this.alarm('TableSystemErrors', {
      description: 'DynamoDB failed requests to the table on its side',
      metric: table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: fiveMinutes }),
      evaluationPeriods: 1,
    });
    this.alarm('SesBounceRate', {
      description:
        'SES bounce rate is above 5 % (SES reviews the account at 5 % and may pause sending at 10 %)',
      metric: new Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.BounceRate',
        period: Duration.hours(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0.05,
      evaluationPeriods: 1,
    });
    this.alarm('SesComplaintRate', {
      description:
        'SES complaint rate is above 0.1 % (SES reviews the account there and may pause sending at 0.5 %)',
      metric: new Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.ComplaintRate',
        period: Duration.hours(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0.001,
      evaluationPeriods: 1,
    });
  }

  /**
   * An alarm that fires above `threshold` (any non-zero value by default) and notifies the alarm topic when it
   * fires and clears.
   */
  private alarm(
    id: string,
    props: { description: string; metric: IMetric; evaluationPeriods: number; threshold?: number },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold ?? 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** The dashboard shows exactly the alarmed signals, so what pages someone is what they see first. */
  private createDashboard(dashboardName: string): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.hours(24),
    });
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
    const graphs = this.alarms.map(
      (alarm) =>
        new AlarmWidget({
          alarm,
          title: alarm.node.id,
          width: 8,
          height: 6,
          leftYAxis: { min: 0 },
        }),
    );
    for (let row = 0; row < graphs.length; row += 3) dashboard.addWidgets(...graphs.slice(row, row + 3));
    return dashboard;
  }
}

/** The table operations the functions call (an alarm's math expression holds at most 10 metrics). */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

/** Days the bus rules', the scheduler's and the scheduled functions' dead-letter queues keep a message (SQS's most). */
const TARGET_DLQ_RETENTION_DAYS = 14;

/**
 * A dead-letter queue's age alarm fires when its oldest message has used this much of the queue's retention:
 * at 14 days' retention, after 7 days, leaving a week to redrive it.
 */
const DLQ_AGE_ALARM_FRACTION_OF_RETENTION = 0.5;

/** Every queue is encrypted and refuses plain-HTTP access. */
const QUEUE_DEFAULTS = {
  encryption: QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
} as const satisfies QueueProps;

/**
 * Access log line: JSON, and no personal data: no source IP or user agent, and the resource template
 * (`/enquiries/{reference}/status`) rather than the path.
 */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      requestTime: AccessLogField.contextRequestTime(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      integrationError: AccessLogField.contextIntegrationErrorMessage(),
      error: AccessLogField.contextErrorMessage(),
      errorType: AccessLogField.contextErrorResponseType(),
      wafStatus: AccessLogField.contextWafResponseCode(),
      xrayTraceId: AccessLogField.contextXrayTraceId(),
    }),
  );
}

/**
 * Adds the security headers to a CORS preflight's answer, which API Gateway gives itself (a mock integration)
 * and `addCorsPreflight` has no option for: declared on the method response, set on the integration response.
 */
function withSecurityHeaders(preflight: Method): void {
  const method = preflight.node.defaultChild as CfnMethod;
  for (const [name, value] of Object.entries(GATEWAY_SECURITY_HEADERS)) {
    // Dots escaped: the parameter's name is one key, not a path.
    const parameter = `method\\.response\\.header\\.${name}`;
    method.addPropertyOverride(`MethodResponses.0.ResponseParameters.${parameter}`, true);
    method.addPropertyOverride(
      `Integration.IntegrationResponses.0.ResponseParameters.${parameter}`,
      `'${value}'`,
    );
  }
}

/** Request parameters requiring each `{param}` of `path`, which the request validator checks. */
function pathParametersOf(path: string): Record<string, boolean> {
  return Object.fromEntries(
    [...path.matchAll(/\{([^}]+)\}/g)].map((match) => [`method.request.path.${match[1]}`, true]),
  );
}

/** The part of `path` up to its last `/`: `/assets/` of `/assets/{file}`. */
function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** The public API has no caller identity by design: acknowledge the authorization rules on this method only. */
function acknowledgePublicMethod(method: Method, reason: string): void {
  Validations.of(method).acknowledge(
    { id: 'AwsSolutions-APIG4', reason },
    {
      id: 'AwsSolutions-COG4',
      reason: `Public method: the staff pool's authorizer guards only the staff methods. ${reason}`,
    },
  );
}

/**
 * The topology writes patterns as EventBridge JSON (`detail-type`); CDK's `EventPattern` spells top-level keys in
 * camelCase (`detailType`) and renders them back.
 */
export function toCdkEventPattern(pattern: EventPattern): CdkEventPattern {
  return Object.fromEntries(
    Object.entries(pattern).map(([key, value]) => [
      key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  ) as CdkEventPattern;
}

function mapRecord<K extends string, V, R>(record: Record<K, V>, map: (value: V, key: K) => R): Record<K, R> {
  return Object.fromEntries(
    (Object.entries(record) as [K, V][]).map(([key, value]) => [key, map(value, key)]),
  ) as Record<K, R>;
}

/** `outboxSweeper` → `outbox-sweeper`, for Powertools service names. */
function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `outboxSweeper` / `enquiry-outbox-sweeper` → `OutboxSweeper` / `EnquiryOutboxSweeper`, for construct ids. */
function pascalCase(name: string): string {
  return name
    .replace(/(^|[-_])([a-z])/g, (_, __, c: string) => c.toUpperCase())
    .replace(/^[a-z]/, (c) => c.toUpperCase());
}
