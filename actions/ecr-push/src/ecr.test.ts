import { accountOf, missingRepositoryMessage } from './ecr';

describe('accountOf', () => {
  it.each([
    ['https://123456789012.dkr.ecr.us-east-1.amazonaws.com', '123456789012'],
    ['123456789012.dkr.ecr.eu-west-2.amazonaws.com', '123456789012'],
    ['127.0.0.1:5000', undefined],
  ])('%s -> %s', (endpoint, account) => {
    expect(accountOf(endpoint)).toBe(account);
  });
});

it('names the repository, the account and the fix when a repository is missing', () => {
  expect(missingRepositoryMessage('katana/web', '123456789012')).toBe(
    'ECR repository katana/web does not exist in account 123456789012. Create it (infra/), or set create-repository: true',
  );
});
