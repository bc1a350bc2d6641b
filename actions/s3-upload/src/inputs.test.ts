import { InputError } from '@pipelines/action-kit';
import { getInputs } from './inputs';

const base = {
  INPUT_FILE: 'dist/katana-lambda.zip',
  INPUT_BUCKET: 'artifacts-lower',
  INPUT_KEY: 'mint/katana-lambda.zip',
  AWS_REGION: 'us-east-1',
};

describe('getInputs', () => {
  it('reads the inputs, leaving part size and concurrency to the file size when unset', () => {
    expect(getInputs(base)).toEqual({
      file: 'dist/katana-lambda.zip',
      bucket: 'artifacts-lower',
      key: 'mint/katana-lambda.zip',
      region: 'us-east-1',
      partSizeMb: undefined,
      concurrency: undefined,
      tags: [],
    });
  });

  it('reads part size, concurrency, region and extra tags when given', () => {
    const inputs = getInputs({
      ...base,
      'INPUT_PART-SIZE-MB': '16',
      INPUT_CONCURRENCY: '8',
      'INPUT_AWS-REGION': 'eu-west-1',
      INPUT_TAGS: 'team=payments\ncost-centre=42',
    });
    expect(inputs).toMatchObject({
      partSizeMb: 16,
      concurrency: 8,
      region: 'eu-west-1',
      tags: [
        { Key: 'team', Value: 'payments' },
        { Key: 'cost-centre', Value: '42' },
      ],
    });
  });

  it.each([
    ['file', { INPUT_FILE: '' }, 'Input "file" is required'],
    ['bucket', { INPUT_BUCKET: 'Not_A_Bucket' }, 'Input "bucket" is not valid'],
    ['key', { INPUT_KEY: '/leading/slash.zip' }, 'Input "key" is not valid'],
    ['part-size-mb', { 'INPUT_PART-SIZE-MB': '4' }, 'Input "part-size-mb" is not valid'],
    ['concurrency', { INPUT_CONCURRENCY: 'many' }, 'Input "concurrency" is not valid'],
    ['tags', { INPUT_TAGS: 'oops' }, 'Input "tags" is not valid'],
    ['aws-region', { AWS_REGION: '' }, 'Input "aws-region" is required'],
  ])('refuses a bad %s, naming it', (_name, override, message) => {
    expect(() => getInputs({ ...base, ...override })).toThrow(InputError);
    expect(() => getInputs({ ...base, ...override })).toThrow(message);
  });
});
