import { backoffDelay, parseRetryAfter, retry, RetriesExhaustedError } from './retry';

const transient = Object.assign(new Error('throttled'), { retryable: true });
const fatal = new Error('access denied');

function recorder() {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

describe('retry', () => {
  it('retries a transient failure and returns the later success', async () => {
    const { slept, sleep } = recorder();
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 3) throw transient;
        return 'done';
      },
      {
        label: 'test',
        maxAttempts: 5,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        isRetryable: (e) => e === transient,
        sleep,
        random: () => 1,
      },
    );
    expect(result).toBe('done');
    expect(slept).toEqual([100, 200]);
  });

  it('does not retry an error that is not retryable', async () => {
    const { slept, sleep } = recorder();
    await expect(
      retry(async () => Promise.reject(fatal), {
        label: 'test',
        maxAttempts: 5,
        baseDelayMs: 1,
        maxDelayMs: 1,
        isRetryable: (e) => e === transient,
        sleep,
      }),
    ).rejects.toBe(fatal);
    expect(slept).toEqual([]);
  });

  it('gives up after maxAttempts with the last error in the message', async () => {
    const { sleep } = recorder();
    const attempt = retry(async () => Promise.reject(transient), {
      label: 'update function code',
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 1,
      isRetryable: () => true,
      sleep,
    });
    await expect(attempt).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(attempt).rejects.toThrow(
      'Could not update function code after 3 attempt(s) (attempts used up): throttled',
    );
  });

  it('honours a longer Retry-After, capped by maxDelayMs', async () => {
    const { slept, sleep } = recorder();
    let calls = 0;
    await retry(
      async () => {
        if (++calls < 3) throw transient;
      },
      {
        label: 'x',
        maxAttempts: 5,
        baseDelayMs: 10,
        maxDelayMs: 5000,
        isRetryable: () => true,
        retryAfterMs: () => (calls === 1 ? 3000 : 60000),
        sleep,
        random: () => 0,
      },
    );
    expect(slept).toEqual([3000, 5000]);
  });

  it('stops when the next wait would pass the deadline', async () => {
    const { sleep } = recorder();
    const attempt = retry(async () => Promise.reject(transient), {
      label: 'x',
      maxAttempts: 100,
      baseDelayMs: 1000,
      maxDelayMs: 1000,
      deadline: 1500,
      now: () => 1000,
      random: () => 1,
      isRetryable: () => true,
      sleep,
    });
    await expect(attempt).rejects.toThrow('(timed out)');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, jittered below it', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, 100, 1000, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
