import { mayReceiveToken } from './effects';

const target = { host: '127.0.0.1:5000', baseUrl: 'http://127.0.0.1:5000' };

describe('mayReceiveToken: the ECR token goes to the target and ECR hosts only', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', true],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', true],
    ['127.0.0.1:5001', false],
    ['ghcr.io', false],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io', false],
  ])('%s -> %s', (host, allowed) => {
    expect(mayReceiveToken(host, target)).toBe(allowed);
  });
});
