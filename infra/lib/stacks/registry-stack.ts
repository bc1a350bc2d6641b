import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';

export interface RegistryStackProps extends StackProps {
  /** names.image-repositories in environments.yml. */
  readonly repositoryNames: readonly string[];
  /** Untagged images (left behind when a tag moves) are removed after this many days. */
  readonly untaggedImageDays?: number;
}

/** ECR repositories of the tier. Images are deployed by digest, so tags never move. */
export class RegistryStack extends Stack {
  readonly repositories: readonly ecr.Repository[];

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    this.repositories = props.repositoryNames.map(
      (name) =>
        new ecr.Repository(this, `Repository-${name}`, {
          repositoryName: name,
          imageTagMutability: ecr.TagMutability.IMMUTABLE,
          imageScanOnPush: true,
          encryption: ecr.RepositoryEncryption.AES_256,
          lifecycleRules: [
            {
              description: 'Remove untagged images',
              tagStatus: ecr.TagStatus.UNTAGGED,
              maxImageAge: Duration.days(props.untaggedImageDays ?? 14),
            },
          ],
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
  }
}
