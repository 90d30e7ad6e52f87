/**
 * Loads our Lambda entry points and invokes them the way the Lambda runtime does: the module is imported once
 * (its module-scope wiring runs once, like a cold start) and `handler(event, context)` is called per event.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { ENV, type EnvName } from '../functions/config.ts';
import { environmentOf, FUNCTIONS, type FunctionName } from '../functions/topology.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The local stand-in for deployed functions. */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<FunctionName, Promise<Handler>>();
  /** Loads run one after another: each sees only its own variables while its module scope runs. */
  private loading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly rootDir: string,
    private readonly region: string,
    private readonly accountId: string,
    /** The value of each of our variables; a function gets only those the topology says it reads. */
    private readonly environment: Readonly<Record<EnvName, string>>,
  ) {}

  private readonly running = new AsyncLocalStorage<FunctionName>();

  /** The function whose import or invocation is running now (what the local IAM checks against). */
  currentFunction(): FunctionName | undefined {
    return this.running.getStore();
  }

  /** Invokes `name` with `event` and returns its result (or throws its error). */
  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const handler = await this.load(name);
    return this.running.run(name, () => handler(event, this.context(name)));
  }

  private load(name: FunctionName): Promise<Handler> {
    let loaded = this.handlers.get(name);
    if (!loaded) {
      loaded = this.loading.then(() => this.running.run(name, () => this.importWithOwnEnvironment(name)));
      this.loading = loaded.catch(() => undefined);
      this.handlers.set(name, loaded);
    }
    return loaded;
  }

  /**
   * Imports the entry (its module scope reads its configuration) with exactly the function's declared
   * variables set, then unsets them again: a handler reading a variable it did not declare fails here as it
   * would on AWS. Functions share this process, so a module they share is evaluated once, by the first.
   */
  private async importWithOwnEnvironment(name: FunctionName): Promise<Handler> {
    const entry = FUNCTIONS[name].entry;
    const declared = environmentOf(name);
    for (const variable of Object.values(ENV)) delete process.env[variable];
    for (const variable of declared) process.env[variable] = this.environment[variable];
    try {
      const module = (await import(pathToFileURL(path.join(this.rootDir, entry)).href)) as {
        handler?: Handler;
      };
      if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
      return module.handler;
    } finally {
      for (const variable of declared) delete process.env[variable];
    }
  }

  private context(name: FunctionName): Context {
    const spec = FUNCTIONS[name];
    const started = Date.now();
    const functionName = `csp-local-${name}`;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${functionName}`,
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, spec.timeoutSeconds * 1000 - (Date.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
