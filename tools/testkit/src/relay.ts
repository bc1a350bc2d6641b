/**
 * A TCP relay from an address a test host can reach (the machine's side of its link,
 * TestHost.machineAddress) to a server this machine runs on loopback (moto, the OCI registry),
 * which the host's network namespace cannot reach. Stopped by `stop()` or at process exit.
 */
import net from 'node:net';

export interface Relay {
  /** host:port on the listening address, as the test host names it. */
  readonly address: string;
  /** http://host:port, for endpoints. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Listens on `listenHost` (a free port) and passes every connection on to 127.0.0.1:`targetPort`. */
export function startRelay(listenHost: string, targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => {
      const { port } = server.address() as net.AddressInfo;
      const address = `${listenHost}:${port}`;
      resolve({
        address,
        endpoint: `http://${address}`,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
