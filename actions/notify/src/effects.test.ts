import { redact, webhookProblem } from './effects';

describe('webhookProblem', () => {
  it.each([
    ['https://hooks.example.org/services/T/B/x', undefined],
    ['http://127.0.0.1:8080/hook', undefined],
    ['http://localhost/hook', undefined],
    [
      'http://hooks.example.org/hook',
      'DEPLOY_WEBHOOK_URL must be an https:// URL (http is allowed only to localhost)',
    ],
    ['not a url', 'DEPLOY_WEBHOOK_URL is not a URL'],
  ])('%s: %s', (url, problem) => expect(webhookProblem(url)).toBe(problem));
});

describe('redact', () => {
  it('takes the URL and its secret path out of a message', () => {
    const url = 'https://hooks.example.org/services/T0/B0/secret';
    expect(redact(`POST ${url} failed; path /services/T0/B0/secret`, url)).toBe(
      'POST *** failed; path ***',
    );
  });
});
