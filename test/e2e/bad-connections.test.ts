/**
 * No connection, however broken, stops the local cloud: a body cut off half way, a bad chunk size, a client
 * that trickles its headers, a 1 GB body announced, plain garbage. After each, the same server still answers,
 * on the API (:3000) and on the AWS endpoint (:4010) alike.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { cloud } from '../support/local-cloud.ts';

/** Opens a raw connection to `url`'s host and port: what these tests send, no client can. */
function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Writes `bytes`, then waits for whatever the server answers until it closes the connection (or `waitMs`). */
async function exchange(
  url: string,
  bytes: Buffer | string,
  options: { thenDestroy?: boolean; waitMs?: number } = {},
) {
  const socket = await connect(url);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(bytes);
  if (options.thenDestroy) {
    // Let the server start reading the body, then vanish mid-way.
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, options.waitMs ?? 2_000))]);
  socket.destroy();
  return Buffer.concat(received).toString('latin1');
}

/** The server still does its job: the API lists categories, the AWS endpoint answers its control API. */
async function stillAnswering(server: 'api' | 'aws') {
  // The API through the typed client; the AWS endpoint's control API is no part of the contract, so raw.
  const response =
    server === 'api'
      ? (await apiClient().GET('/enquiry-categories')).response
      : await fetch(`${cloud().control}/queues`);
  expect(response.status).toBe(200);
}

const servers = ['api', 'aws'] as const;
const urlOf = (server: (typeof servers)[number]) => (server === 'api' ? cloud().api : cloud().aws);

describe.each(servers)('the %s server', (server) => {
  const post = (headers: string) =>
    `POST ${server === 'api' ? '/enquiries' : '/'} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n`;

  it('survives a body cut off half way', async () => {
    await exchange(
      urlOf(server),
      `${post('Content-Type: application/json\r\nContent-Length: 1000\r\n')}{"cate`,
      {
        thenDestroy: true,
      },
    );

    await stillAnswering(server);
  });

  it('answers a bad chunk size with 400, and survives it', async () => {
    const answer = await exchange(
      urlOf(server),
      `${post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n')}ZZZ\r\n{"a":1}\r\n0\r\n\r\n`,
    );

    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await stillAnswering(server);
  });

  it('refuses a 1 GB body from its Content-Length alone with 413, without reading it', async () => {
    const answer = await exchange(
      urlOf(server),
      `${post('Content-Type: application/json\r\nContent-Length: 1073741824\r\n')}{"category":`,
    );

    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.toLowerCase()).toContain('connection: close');
    await stillAnswering(server);
  });

  it('answers garbage bytes with 400, and survives them', async () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256));

    const answer = await exchange(urlOf(server), garbage);

    expect(answer === '' || /^HTTP\/1\.1 400/.test(answer)).toBe(true);
    await stillAnswering(server);
  });

  it('keeps answering others while a client trickles its headers', async () => {
    const slow = await connect(urlOf(server));
    slow.on('error', () => undefined);
    slow.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    for (let i = 0; i < 3; i++) {
      slow.write(`X-Slow-${i}: a\r\n`);
      await stillAnswering(server);
    }
    slow.destroy();
  });
});
