/**
 * The service bundle: each service folder's deploy-lib.sh links to services/lib (one copy in the
 * repository); the asset the server downloads must hold the file itself. The CDK's asset copy
 * follows links that point outside the folder (its default); this holds it to that.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceServer } from '../lib/constructs/service-server';

test('the bundle holds the files a service folder links to, not the links', () => {
  const services = mkdtempSync(join(tmpdir(), 'service-server-'));
  mkdirSync(join(services, 'lib'));
  writeFileSync(join(services, 'lib', 'deploy-lib.sh'), 'echo shared\n');
  mkdirSync(join(services, 'blog'));
  writeFileSync(join(services, 'blog', 'deploy.sh'), '. ./deploy-lib.sh\n');
  symlinkSync('../lib/deploy-lib.sh', join(services, 'blog', 'deploy-lib.sh'));

  const outdir = mkdtempSync(join(tmpdir(), 'service-server-out-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Servers', {
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
  new ServiceServer(stack, 'blogServer', {
    vpc,
    subnetType: ec2.SubnetType.PUBLIC,
    instanceType: new ec2.InstanceType('t3.micro'),
    serviceDir: join(services, 'blog'),
    service: 'blog',
    role: 'app',
    packages: [],
    environment: {},
    securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }),
    tags: {},
  });
  app.synth();

  const [asset] = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
  expect(asset).toBeDefined();
  const staged = lstatSync(join(outdir, asset ?? '', 'deploy-lib.sh'));
  expect(staged.isSymbolicLink()).toBe(false);
  expect(staged.isFile()).toBe(true);
});
