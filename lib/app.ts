import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BootstrapStack } from './bootstrap-stack.ts';
import { MailStack } from './mail-stack.ts';
import { isProtectedStage, loadStageConfig, type StageConfig } from './stage-config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/** Options of {@link createApp}. */
export interface CreateAppOptions extends AppProps {
  /** Run cdk-nag's AWS Solutions checks during synthesis. @default true */
  readonly nag?: boolean;
}

/** The app and its stacks, for `bin/app.ts` and for tests that synthesize in memory. */
export interface CspApp {
  readonly app: App;
  readonly stage: StageConfig;
  readonly bootstrap: BootstrapStack;
  readonly mail: MailStack;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Builds the app for the stage named by context `stage`: `csp-<stage>-bootstrap` (the account's API Gateway
 * logging role), `csp-<stage>-mail` (the SES identity and configuration set, verified before the rest is
 * deployed), `csp-<stage>-stateful` (key, table, bus, staff pool, backups) and `csp-<stage>-stateless`
 * (everything else), checked by cdk-nag.
 */
export function createApp(options: CreateAppOptions = {}): CspApp {
  const { nag = true, ...appProps } = options;
  const app = new App(appProps);
  const stage = loadStageConfig(app.node);
  // Pinned to the stage's own account and region: a synth never bakes in whatever the CLI happens to resolve.
  const env = { account: stage.account, region: stage.region };
  const tags = { project: 'csp', stage: stage.name };

  const bootstrap = new BootstrapStack(app, `csp-${stage.name}-bootstrap`, {
    env,
    tags,
    description: `CSP ${stage.name}: account-wide API Gateway logging role (deploy once per account and region)`,
  });
  const mail = new MailStack(app, `csp-${stage.name}-mail`, {
    env,
    stage,
    tags,
    description: `CSP ${stage.name}: SES identity and configuration set (deploy, then verify, before the rest)`,
    terminationProtection: isProtectedStage(stage),
  });
  const stateful = new StatefulStack(app, `csp-${stage.name}-stateful`, {
    env,
    stage,
    tags,
    description: `CSP ${stage.name}: key, table, event bus, secrets and staff user pool`,
    terminationProtection: isProtectedStage(stage),
    configurationSet: mail.configurationSet,
  });
  // After the mail stack, and after SES has verified its domain (the runbook's step 2): Cognito refuses to
  // create the staff pool with an unverified SES sender.
  stateful.addStackDependency(mail);
  const stateless = new StatelessStack(app, `csp-${stage.name}-stateless`, {
    env,
    stage,
    tags,
    description: `CSP ${stage.name}: functions, queues, rules, schedules, API and alarms`,
    key: stateful.key,
    table: stateful.table,
    eventBus: stateful.eventBus,
    emailIdentity: mail.emailIdentity,
    configurationSetArn: mail.configurationSetArn,
    personalDataKey: stateful.personalDataKey,
    sessionKey: stateful.sessionKey,
    staffUserPool: stateful.staffUserPool,
    staffClient: stateful.staffClient,
    staffSignInUrl: stateful.staffSignInDomain.baseUrl(),
  });

  // Execution logging needs the account's API Gateway role before the stage is created.
  stateless.addStackDependency(bootstrap);

  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stage, bootstrap, mail, stateful, stateless };
}
