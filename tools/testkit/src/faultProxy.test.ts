import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomFaults, startFaultProxy, type FaultProxy } from './faultProxy';

describe('the fault proxy', () => {
  let upstream: http.Server;
  let hits = 0;
  let proxy: FaultProxy;
  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.end('0123456789'.repeat(10)));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise((r) => upstream.close(r));
  });
  beforeEach(() => {
    hits = 0;
  });

  it('forwards untouched when the plan says nothing', async () => {
    proxy.setPlan(() => undefined);
    const res = await fetch(`${proxy.endpoint}/x`, { method: 'POST', body: 'payload' });
    expect(await res.text()).toHaveLength(100);
    expect(hits).toBe(1);
  });

  it('answers an error status without the server seeing the request', async () => {
    proxy.setPlan(() => ({ kind: 'status', status: 503, headers: { 'retry-after': '2' } }));
    const res = await fetch(`${proxy.endpoint}/x`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(hits).toBe(0);
  });

  it('resets the connection before forwarding, or after the server applied the request', async () => {
    proxy.setPlan(() => ({ kind: 'reset' }));
    await expect(fetch(`${proxy.endpoint}/x`)).rejects.toThrow();
    expect(hits).toBe(0);
    proxy.setPlan(() => ({ kind: 'reset-after-forward' }));
    await expect(fetch(`${proxy.endpoint}/x`)).rejects.toThrow();
    expect(hits).toBe(1);
  });

  it('truncates the response body mid-way', async () => {
    proxy.setPlan(() => ({ kind: 'truncate', bytes: 30 }));
    await expect(fetch(`${proxy.endpoint}/x`).then((r) => r.text())).rejects.toThrow();
  });

  it('chooses the same faults for the same seed', () => {
    const pick = (seed: number) => {
      const plan = randomFaults(seed, 0.5, [{ kind: 'reset' }, { kind: 'delay', ms: 1 }]);
      return Array.from(
        { length: 20 },
        (_, i) => plan({ n: i, method: 'GET', path: '/', headers: {} })?.kind ?? '-',
      );
    };
    expect(pick(7)).toEqual(pick(7));
    expect(pick(7)).not.toEqual(pick(8));
    expect(pick(7).filter((k) => k !== '-').length).toBeGreaterThan(3);
  });
});
