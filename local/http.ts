import type http from 'node:http';

/** What reading a request body came to. It never throws: a bad client must not take the local cloud down. */
export type BodyRead =
  | { readonly kind: 'complete'; readonly body: Buffer }
  /** Larger than allowed, by its Content-Length or by what arrived (the rest is drained, never buffered). */
  | { readonly kind: 'too-large' }
  /** The client went away, or sent something HTTP cannot parse (a bad chunk), before the body ended. */
  | { readonly kind: 'aborted' };

/**
 * Reads a request body, keeping at most `maxBytes`. A Content-Length above the limit is refused before a byte
 * is read; a body that grows past it is drained, not buffered, so no request can exhaust memory.
 */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const announced = Number(req.headers['content-length']);
    if (Number.isFinite(announced) && announced > maxBytes) {
      // Stop reading: the answer goes now and the connection is closed after it.
      req.pause();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (read: BodyRead) => {
      if (settled) return;
      settled = true;
      resolve(read);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () =>
      settle(size > maxBytes ? { kind: 'too-large' } : { kind: 'complete', body: Buffer.concat(chunks) }),
    );
    req.on('aborted', () => settle({ kind: 'aborted' }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}

/**
 * Limits that keep one slow or broken client from holding the server: headers within 10 s, the whole request
 * within 30 s (slowloris), a socket error answered or dropped, never thrown. Returns the server.
 */
export function hardened(server: http.Server): http.Server {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_error, socket) => {
    // Garbage bytes, a bad chunk size, headers too large: answer as Node would, then close.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

/** Answers, unless the client has gone: writing to a closed socket must not throw. */
export function respond(
  res: http.ServerResponse,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body?: string | Buffer,
): void {
  if (res.writableEnded || res.destroyed) return;
  res.on('error', () => undefined);
  res.writeHead(status, headers);
  res.end(body);
}
