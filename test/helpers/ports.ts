import { createServer } from 'node:net';

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago): connecting is refused. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      server.close(() => resolve(port));
    });
  });
}
