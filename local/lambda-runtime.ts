/**
 * Loads our Lambda entry points and invokes them the way the Lambda runtime does: the module is imported once
 * (its module-scope wiring runs once, like a cold start) and `handler(event, context)` is called per event.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, type FunctionName } from '../functions/topology.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The local stand-in for deployed functions. */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<FunctionName, Promise<Handler>>();

  constructor(
    private readonly rootDir: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Invokes `name` with `event` and returns its result (or throws its error). */
  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const handler = await this.load(name);
    return handler(event, this.context(name));
  }

  private load(name: FunctionName): Promise<Handler> {
    let loaded = this.handlers.get(name);
    if (!loaded) {
      const entry = pathToFileURL(path.join(this.rootDir, FUNCTIONS[name].entry)).href;
      loaded = import(entry).then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function')
          throw new Error(`${FUNCTIONS[name].entry} exports no handler`);
        return module.handler;
      });
      this.handlers.set(name, loaded);
    }
    return loaded;
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
