import net from 'node:net';
import { LOCAL_API_URL } from '../functions/topology.ts';
import { LocalCloudError } from './errors.ts';

/** Ports of the local cloud; each can be changed with its environment variable. */
export interface LocalPorts {
  /** The API (API Gateway stand-in). */
  readonly api: number;
  /** aws-ses-v2-local, including its web inbox. */
  readonly sesInbox: number;
  /** DynamoDB Local. */
  readonly dynamodb: number;
  /** Local EventBridge and SES endpoints, and the local cloud's control API. */
  readonly aws: number;
}

export const PORT_VARIABLES: Record<keyof LocalPorts, string> = {
  api: 'CSP_API_PORT',
  sesInbox: 'CSP_SES_PORT',
  dynamodb: 'CSP_DYNAMODB_PORT',
  aws: 'CSP_AWS_PORT',
};

// The API's port is the one the OpenAPI document names as the local server.
const DEFAULT_PORTS: LocalPorts = {
  api: Number(new URL(LOCAL_API_URL).port),
  sesInbox: 8005,
  dynamodb: 8000,
  aws: 4010,
};

/** Ports from the environment, defaulting to the documented ones. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  const read = (key: keyof LocalPorts) => {
    const raw = env[PORT_VARIABLES[key]];
    if (raw === undefined || raw === '') return DEFAULT_PORTS[key];
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new LocalCloudError(`${PORT_VARIABLES[key]}=${raw} is not a port number.`);
    }
    return port;
  };
  return { api: read('api'), sesInbox: read('sesInbox'), dynamodb: read('dynamodb'), aws: read('aws') };
}

/** Throws a one-line explanation when a port is already taken. */
export async function assertPortsFree(ports: LocalPorts): Promise<void> {
  for (const key of Object.keys(ports) as (keyof LocalPorts)[]) {
    const port = ports[key];
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new LocalCloudError(
        `Port ${port} (${key}) is already in use. Stop whatever uses it, or choose another with ${PORT_VARIABLES[key]}=<port>.`,
      );
    }
  }
}

/** A port the OS says is free now (for tests, which must not collide with a running `npm start`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Free ports for every part of a local cloud, so it can run beside `npm start` (a test, the bench, chaos). */
export async function freePorts(): Promise<LocalPorts> {
  return {
    api: await freePort(),
    sesInbox: await freePort(),
    dynamodb: await freePort(),
    aws: await freePort(),
  };
}

/** `ports` as the environment variables `local/start.ts` reads them from. */
export function portVariables(ports: LocalPorts): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(PORT_VARIABLES) as (keyof LocalPorts)[]).map((key) => [
      PORT_VARIABLES[key],
      String(ports[key]),
    ]),
  );
}
