import { postDecision } from './decide';

describe('postDecision', () => {
  it('saves after a miss', () => {
    expect(postDecision({ key: 'k', cacheHit: 'false', path: '/s' })).toEqual({ save: true });
  });

  it('does not save after an exact hit', () => {
    expect(postDecision({ key: 'k', cacheHit: 'true', path: '/s' })).toEqual({
      save: false,
      reason: 'the cache already has k',
    });
  });

  it('does not save when the main step never computed a key', () => {
    expect(postDecision({})).toMatchObject({ save: false });
    expect(postDecision({ key: 'k' })).toMatchObject({ save: false });
  });
});
