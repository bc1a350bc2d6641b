import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from './moto';
import { startRegistry, type Registry } from './registry';

describe('the embedded local AWS', () => {
  let moto: Moto;
  let registry: Registry;

  beforeAll(async () => {
    [moto, registry] = await Promise.all([startMoto(), startRegistry()]);
  });
  afterAll(async () => {
    await Promise.all([moto?.stop(), registry?.stop()]);
  });

  it('starts moto on a free loopback port and answers S3 calls; reset forgets everything', async () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'probe' }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
      'probe',
    ]);
    await moto.reset();
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('starts a real OCI registry that speaks the distribution API, not on port 5000', async () => {
    expect(registry.port).not.toBe(5000);
    const base = await fetch(`${registry.endpoint}/v2/`);
    expect(base.status).toBe(200);
    expect(base.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const upload = await fetch(`${registry.endpoint}/v2/probe/blobs/uploads/`, { method: 'POST' });
    expect(upload.status).toBe(202);
    expect(upload.headers.get('location')).toContain('/v2/probe/blobs/uploads/');
  });

  it('stops servers by pid: the port is closed afterwards', async () => {
    const extra = await startMoto();
    await extra.stop();
    await expect(fetch(`${extra.endpoint}/moto-api/data.json`)).rejects.toThrow();
    expect(() => process.kill(extra.pid, 0)).toThrow();
  });
});
