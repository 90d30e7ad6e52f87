/**
 * IAM, emulated where the local cloud can see it: each function may make only the AWS calls its topology entry
 * declares (its table actions and indexes, the bus, SES, the personal-data key), exactly what the stateless stack grants its role. A
 * call outside the declaration fails with AccessDeniedException, as it would on AWS, so the end-to-end tests
 * prove every declaration is enough, and the infrastructure tests prove each role holds no more.
 *
 * The functions share this process and its SDK clients, so the check sits on those clients and learns the
 * calling function from the runtime (an AsyncLocalStorage around each invocation and import).
 */
import { documentClient } from '../functions/adapters/clients/dynamodb.ts';
import { eventBridgeClient } from '../functions/adapters/clients/eventbridge.ts';
import { secretsManagerClient } from '../functions/adapters/clients/secrets-manager.ts';
import { sesClient } from '../functions/adapters/clients/ses.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec, type TableAction } from '../functions/topology.ts';
import { PERSONAL_DATA_KEY_SECRET, SESSION_KEY_SECRET } from './secrets.ts';

/** The error AWS answers an unauthorised call with. */
export class AccessDenied extends Error {
  constructor(functionName: string, action: string) {
    super(
      `Function ${functionName} is not authorized to perform: ${action} (not declared in its topology entry)`,
    );
    this.name = 'AccessDeniedException';
  }
}

/** The IAM actions a DynamoDB request needs, with the index a Query reads. */
export function dynamoDbActionsOf(commandName: string, input: Record<string, unknown>): string[] {
  const operation = commandName.replace(/Command$/, '');
  if (operation === 'TransactWriteItems') {
    const items = (input.TransactItems as Record<string, unknown>[] | undefined) ?? [];
    const byKind: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    };
    return items.flatMap((item) => Object.keys(item).map((kind) => byKind[kind] ?? kind));
  }
  if (operation === 'TransactGetItems') return ['GetItem'];
  if ((operation === 'Query' || operation === 'Scan') && typeof input.IndexName === 'string') {
    return [`${operation}:index/${input.IndexName}`];
  }
  return [operation];
}

/** Whether `spec` declares `action` (as `dynamoDbActionsOf` names it). */
export function allowsTableAction(spec: FunctionSpec, action: string): boolean {
  if (!spec.table) return false;
  const index = /^Query:index\/(.+)$/.exec(action)?.[1];
  if (index !== undefined) return (spec.table.indexes ?? []).some((declared) => declared === index);
  return spec.table.actions.includes(action as TableAction);
}

/** Installs the checks on the functions' SDK clients; `current` names the function making a call. */
export function enforceDeclaredAccess(current: () => FunctionName | undefined): void {
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const name = current();
      if (name) {
        const spec: FunctionSpec = FUNCTIONS[name];
        for (const action of dynamoDbActionsOf(
          String(context.commandName),
          args.input as Record<string, unknown>,
        )) {
          if (!allowsTableAction(spec, action)) throw new AccessDenied(name, `dynamodb:${action}`);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'localIamDynamoDb', override: true },
  );
  refuseUnlessDeclared(eventBridgeClient, current, 'bus', 'events:PutEvents');
  refuseUnlessDeclared(sesClient, current, 'ses', 'ses:SendEmail');
  // Each secret is granted on its own, as the stack grants each by its ARN: a function may read only those it declares.
  secretsManagerClient.middlewareStack.add(
    (next) => async (args) => {
      const name = current();
      const secretId = (args.input as { SecretId?: string }).SecretId;
      const binding = secretId === undefined ? undefined : SECRET_BINDINGS[secretId];
      if (name && !(binding && (FUNCTIONS[name] as FunctionSpec)[binding])) {
        throw new AccessDenied(name, `secretsmanager:GetSecretValue on ${secretId}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'localIam-secrets', override: true },
  );
}

/** The binding that grants each local secret. */
const SECRET_BINDINGS: Readonly<Record<string, 'personalDataKey' | 'sessionKey'>> = {
  [PERSONAL_DATA_KEY_SECRET]: 'personalDataKey',
  [SESSION_KEY_SECRET]: 'sessionKey',
};

/** Refuses every call on `client` by a function whose topology entry does not declare `binding`. */
function refuseUnlessDeclared(
  client: typeof eventBridgeClient | typeof sesClient,
  current: () => FunctionName | undefined,
  binding: 'bus' | 'ses',
  action: string,
): void {
  (client.middlewareStack as typeof sesClient.middlewareStack).add(
    (next) => async (args) => {
      const name = current();
      if (name && !(FUNCTIONS[name] as FunctionSpec)[binding]) throw new AccessDenied(name, action);
      return next(args);
    },
    { step: 'initialize', name: `localIam-${binding}`, override: true },
  );
}
