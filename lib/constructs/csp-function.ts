import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV, type EnvName } from '../../functions/config.ts';
import { type FunctionSpec, TABLE_WRITE_ACTIONS } from '../../functions/topology.ts';
import { parseSenderAddress } from '../stage-config.ts';

/** Log group settings of a function. */
export interface CspFunctionLogs {
  readonly retention: RetentionDays;
  /** Customer-managed key the log group is encrypted with; its policy must allow CloudWatch Logs. */
  readonly encryptionKey?: IKey;
  /** @default the LogGroup default (RETAIN) */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of {@link CspFunction}: a topology entry plus any `NodejsFunctionProps`, which override our defaults. */
export interface CspFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'logRetention' | 'logRetentionRole' | 'logRetentionRetryOptions'
  > {
  /** The function's entry in `FUNCTIONS`: entry file, memory, timeout and description. */
  readonly spec: FunctionSpec;
  readonly logs: CspFunctionLogs;
  /** Powertools service name. @default `csp-<construct id>` */
  readonly serviceName?: string;
  /** Namespace of the function's custom metrics (`POWERTOOLS_METRICS_NAMESPACE`). */
  readonly metricsNamespace?: string;
  /** Powertools log level. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** What a function may do on the table: its `table` entry in the topology. */
export type TableGrant = NonNullable<FunctionSpec['table']>;

/** An SES identity a function may send as. */
export interface EmailSender {
  /** From header, e.g. `Ashford CSU <no-reply@csp.example.org>`; becomes `SENDER_ADDRESS`. */
  readonly address: string;
  /** ARN of the verified SES identity the address belongs to. */
  readonly identityArn: string;
  /** ARN of the configuration set applied to the identity's mail, which SES also authorises against. */
  readonly configurationSetArn?: string;
}

/** Key actions DynamoDB uses on the caller's behalf to read items encrypted with a customer-managed key. */
const TABLE_KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
/** And to write them. */
const TABLE_KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/** Repository root; `FUNCTIONS[*].entry` is relative to it. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild's ESM output has no `require`; some bundled CommonJS dependencies still call it, so give them one.
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * A Lambda function with the project's defaults: arm64, Node.js 22, an ESM esbuild bundle that includes the AWS
 * SDK, its own log group with the stage's retention, Powertools settings, and an execution role that only holds
 * what the `bind*` / `allow*` helpers grant.
 *
 * @example
 * new CspFunction(this, 'Api', { spec: FUNCTIONS.api, logs: { retention } }).bindTable(table, FUNCTIONS.api.table);
 */
export class CspFunction extends NodejsFunction {
  /** Powertools service name: the `service` key of its log lines and the `service` dimension of its metrics. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: CspFunctionProps) {
    const { spec, logs, serviceName, metricsNamespace, logLevel, environment, bundling, ...rest } = props;
    const service = serviceName ?? `csp-${id.toLowerCase()}`;
    // Own role instead of the default one with the AWSLambdaBasicExecutionRole managed policy: the function only
    // writes to its own log group, so it only gets that.
    const role: IRole =
      rest.role ??
      new Role(scope, `${id}ServiceRole`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${spec.entry}`,
      });
    const logGroup =
      rest.logGroup ??
      new LogGroup(scope, `${id}LogGroup`, {
        retention: logs.retention,
        encryptionKey: logs.encryptionKey,
        removalPolicy: logs.removalPolicy,
      });

    super(scope, id, {
      entry: join(PROJECT_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: spec.description,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      reservedConcurrentExecutions: spec.reservedConcurrency,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      ...rest,
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_LOG_LEVEL: logLevel ?? 'INFO',
        // Traces keep timings and AWS resource names; a handler's response or error message may carry personal data.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        ...(metricsNamespace ? { POWERTOOLS_METRICS_NAMESPACE: metricsNamespace } : {}),
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Mappings are enough for stack traces; embedding the sources would triple the package.
        sourcesContent: false,
        // Bundle the AWS SDK v3 rather than use the runtime's copy: the version we test is the one we run.
        externalModules: [],
        ...bundling,
      },
    });
    this.serviceName = service;
    this.logGroup.grantWrite(role);

    if (props.tracing === undefined || props.tracing === Tracing.ACTIVE) {
      this.acknowledgeOnPolicy({
        id: 'AwsSolutions-IAM5[Resource::*]',
        // An infra test checks that only X-Ray statements have Resource '*', so this cannot hide another.
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions',
      });
    }
    if (props.runtime === undefined) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is pinned with the bundle target (node22) and the local cloud; upgrade them together',
      });
    }
  }

  /**
   * Sets `TABLE_NAME` and grants exactly `grant.actions` on the table's items, Query on exactly
   * `grant.indexes`, and the key actions those need (encrypting ones only with a write action). Written out
   * rather than `table.grantReadWriteData`, which adds Scan, DeleteItem, stream reads and `index/*`.
   */
  bindTable(table: ITable, grant: TableGrant): this {
    this.addEnvironment(ENV.tableName, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: grant.actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
    if (grant.indexes && grant.indexes.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: grant.indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    const writes = grant.actions.some((action) => TABLE_WRITE_ACTIONS.includes(action));
    table.encryptionKey?.grant(this, ...TABLE_KEY_READ_ACTIONS, ...(writes ? TABLE_KEY_WRITE_ACTIONS : []));
    if (table.encryptionKey && writes) {
      const reason =
        'Only on the table key: the encrypt/decrypt set DynamoDB needs for a customer-managed key';
      this.acknowledgeOnPolicy(
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
      );
    }
    return this;
  }

  /** Sets `EVENT_BUS_NAME` and allows `events:PutEvents` on that bus only. */
  bindEventBus(bus: IEventBus): this {
    this.addEnvironment(ENV.eventBusName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * Sets `SENDER_ADDRESS` and allows `ses:SendEmail` through the sender's identity (and configuration set)
   * only, and only from the sender's own address: a compromised function cannot send as anyone else.
   */
  allowSendingEmailAs(sender: EmailSender): this {
    this.addEnvironment(ENV.senderAddress, sender.address);
    const fromAddress = parseSenderAddress(sender.address).email;
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [sender.identityArn, ...(sender.configurationSetArn ? [sender.configurationSetArn] : [])],
        conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
      }),
    );
    return this;
  }

  /**
   * Sets `PERSONAL_DATA_KEY_SECRET` and lets the function read that one secret's value (and decrypt it with
   * its key), nothing else in Secrets Manager.
   */
  allowReadingPersonalDataKey(secret: ISecret): this {
    return this.allowReadingSecret(ENV.personalDataKeySecret, secret);
  }

  /**
   * Sets `SESSION_KEY_SECRET` and lets the function read that one secret's value (and decrypt it with its
   * key), nothing else in Secrets Manager.
   */
  allowReadingSessionKey(secret: ISecret): this {
    return this.allowReadingSecret(ENV.sessionKeySecret, secret);
  }

  /** Sets `variable` to the secret's ARN and grants GetSecretValue on it, and kms:Decrypt through Secrets Manager. */
  private allowReadingSecret(variable: EnvName, secret: ISecret): this {
    this.addEnvironment(variable, secret.secretArn);
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    // Written on the role, not with `secret.grantRead`, whose key-policy statement naming this role would
    // make the stateful stack depend on this one.
    if (secret.encryptionKey) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
    return this;
  }

  /** Acknowledges findings on the execution role's policy only (the narrowest construct holding them). */
  private acknowledgeOnPolicy(...rules: { id: string; reason: string }[]): void {
    const role = this.role;
    if (!role) return;
    Validations.of(role.node.tryFindChild('DefaultPolicy') ?? role).acknowledge(...rules);
  }
}
