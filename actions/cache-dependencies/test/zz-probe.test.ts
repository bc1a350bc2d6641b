import {
  S3Client,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { startMoto } from '@pipelines/testkit';
jest.setTimeout(60000);
it('probe', async () => {
  const moto = await startMoto();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'b' }));
  const mp = async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'k' }));
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: 'b',
        Key: 'k',
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(6 * 1024 * 1024),
      }),
    );
    return () =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'b',
          Key: 'k',
          UploadId,
          MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] },
          IfNoneMatch: '*',
        }),
      );
  };
  const c1 = await mp();
  const c2 = await mp();
  await c1();
  const r = await c2().then(
    () => 'ok',
    (e) => `${e.name} ${e.$metadata?.httpStatusCode}`,
  );
  console.log('sequential second complete:', r);
  const p = await s3
    .send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x', IfNoneMatch: '*' }))
    .then(
      () => 'ok',
      (e) => `${e.name} ${e.$metadata?.httpStatusCode}`,
    );
  console.log('put over existing:', p);
  const c3 = await mp();
  const c4 = await mp();
  const both = await Promise.all(
    [c3(), c4()].map((x) =>
      x.then(
        () => 'ok',
        (e) => `${e.name} ${e.$metadata?.httpStatusCode}`,
      ),
    ),
  );
  console.log('concurrent:', both);
  await moto.stop();
});
