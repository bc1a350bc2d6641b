/**
 * How an image server's host pulls the run's images. The image URI the rollout sends names the
 * registry as the runner sees it, 127.0.0.1:<port> (ecr-push pushed there), and on EC2 the same
 * URI (ECR's name) resolves on the server too. A test host's loopback is its own, so the host
 * gets the same name back: a relay on this machine's side of the host's link passes on to the
 * registry, and inside the host a small forward (python3, as a transient unit) listens on
 * 127.0.0.1:<port> and passes on to that relay. The URI, deploy.sh and the Docker stand-in are
 * unchanged; what differs from EC2 is written in docs/fidelity.md.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startRelay, type Relay, type TestHost } from '@pipelines/testkit';

/** A TCP forward: listens on 127.0.0.1:<port>, passes each connection on to <host>:<port>. */
const FORWARD = `import socket, sys, threading

listen_port, target_host, target_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])


def pipe(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


server = socket.create_server(("127.0.0.1", listen_port))
while True:
    client, _ = server.accept()
    try:
        upstream = socket.create_connection((target_host, target_port))
    except OSError:
        client.close()
        continue
    for source, target in ((client, upstream), (upstream, client)):
        threading.Thread(target=pipe, args=(source, target), daemon=True).start()
`;

/** Makes 127.0.0.1:<registryPort> inside the host reach the registry; returns the relay to stop. */
export async function reachRegistryOnLoopback(
  host: TestHost,
  registryPort: number,
): Promise<Relay> {
  const relay = await startRelay(host.machineAddress, registryPort);
  const [relayHost, relayPort] = relay.address.split(':');
  writeFileSync(path.join(host.root, 'usr', 'local', 'bin', 'registry-forward.py'), FORWARD);
  await host.run(
    `systemd-run --quiet --unit=registry-forward python3 /usr/local/bin/registry-forward.py ${registryPort} ${relayHost} ${relayPort} && ` +
      `for _ in $(seq 50); do curl --silent --max-time 2 --output /dev/null http://127.0.0.1:${registryPort}/v2/ && exit 0; sleep 0.2; done; ` +
      `echo "the registry does not answer on 127.0.0.1:${registryPort}" >&2; exit 1`,
  );
  return relay;
}
