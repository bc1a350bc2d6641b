/**
 * Turns environments.yml and the CDK context of one `cdk synth|deploy` into the typed settings
 * of one tier. Pure: bin/app.ts does the reading, the stacks only see a TierConfig.
 */
import {
  concreteEnvironments,
  environmentByName,
  environmentFamilies,
  TIERS,
  type EnvironmentInfo,
  type EnvironmentsConfig,
  type Tier,
} from '@pipelines/environments';

/** One deployable environment of the tier (mint, staging, prod, int-alice, ...). */
export interface EnvironmentConfig {
  readonly name: string;
  readonly approval: boolean;
  /** The package key, `<env>/katana-lambda.zip`. */
  readonly artifactKey: string;
  /** The folder the environment owns in the tier's bucket, `<env>/`. */
  readonly artifactPrefix: string;
  /** `<env>-KatanaLambda`. */
  readonly functionName: string;
  /** The alias that serves traffic (names.function-alias, `live`). */
  readonly functionAlias: string;
  /** The folder of its server releases in the tier's bucket (names.release-prefix, `<env>/releases/`). */
  readonly releasePrefix: string;
  /** True for the one environment whose deploys roll out to the tier's servers. */
  readonly servers: boolean;
}

export interface TierConfig {
  readonly project: string;
  readonly tier: string;
  /** Undefined when neither `-c account` nor the CLI's credentials give one: the stacks are then account-agnostic. */
  readonly account: string | undefined;
  readonly region: string;
  /** Given, never looked up, so that synth needs no AWS access. */
  readonly availabilityZones: readonly string[];
  readonly github: GithubRepository;
  readonly bucketName: string;
  readonly imageRepositories: readonly string[];
  readonly environments: readonly EnvironmentConfig[];
  readonly dns: {
    readonly zoneName: string;
    /** An existing public hosted zone; without one the DNS stack creates the zone. */
    readonly hostedZoneId: string | undefined;
  };
  readonly servers: {
    readonly instanceType: string;
    /** The notes' "later": Fulcrum's database on an instance of its own (MongoDB stays with Rocket.Chat). */
    readonly separateDatabases: boolean;
    /**
     * The environment whose deploys roll out to the servers (tiers.<tier>.servers), with the
     * folder of its releases; undefined when the tier names none (nothing rolls out to them).
     */
    readonly rollout: { readonly environment: string; readonly releasePrefix: string } | undefined;
    /** The SSM Command document that rolls a release out (names.deploy-document). */
    readonly deployDocument: string;
  };
  readonly logRetentionDays: number;
  /** The account's GitHub OIDC provider when it already exists (one per account is allowed). */
  readonly githubOidcProviderArn: string | undefined;
}

/**
 * Which form of OIDC subject GitHub issues for the repository. Repositories created or renamed on
 * or after 2026-07-15 (every new fork), and those that opted in, get the immutable form
 * `repo:<owner>@<owner-id>/<repo>@<repo-id>:...`; older ones keep `repo:<owner>/<repo>:...`.
 */
export type OidcSubjectForm =
  | { readonly form: 'immutable'; readonly ownerId: number; readonly repositoryId: number }
  | { readonly form: 'legacy' };

/** The fork on GitHub, as its OIDC tokens name it. */
export interface GithubRepository {
  readonly owner: string;
  readonly repo: string;
  readonly oidc: OidcSubjectForm;
}

/** Raw strings from `-c key=value` (or the environment, for the account). */
export interface TierOptions {
  readonly tier: string | undefined;
  readonly account?: string | undefined;
  readonly region?: string | undefined;
  readonly availabilityZones?: string | undefined;
  readonly hostedZoneId?: string | undefined;
  readonly hostedZoneName?: string | undefined;
  readonly separateDatabases?: string | undefined;
  readonly instanceType?: string | undefined;
  /** Members of a family (`int-alice,int-bob`) to provision like fixed environments. */
  readonly familyEnvironments?: string | undefined;
  readonly logRetentionDays?: string | undefined;
  readonly githubOidcProviderArn?: string | undefined;
}

/** Keys that are set in environments.yml, not with `-c`. */
const FILE_KEYS = /^(project|names|tiers|environments)(\.|$)/;

/**
 * A bad setting: names the setting (a `-c` context key, or a key of environments.yml such as
 * `project.github`) and says how to fix it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    problem: string,
    fix: string,
  ) {
    const where = FILE_KEYS.test(key) ? 'environments.yml' : 'Context';
    super(`${where} "${key}" ${problem}. ${fix}`);
  }
}

// CloudWatch Logs accepts only these retention periods.
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827];
// Names that end up in a Lambda function name, an IAM role name and an OIDC subject.
const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]{1,40}$/;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function booleanOption(key: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigError(key, `is "${value}"`, `Pass -c ${key}=true or -c ${key}=false.`);
}

function environmentConfig(info: EnvironmentInfo): EnvironmentConfig {
  const { name, artifactKey, functionName, functionAlias, approval, releasePrefix, servers } = info;
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new ConfigError(
      'environments',
      `has an environment named "${name}"`,
      'Use letters, digits, "-" and "_" (at most 40) so it fits function and role names.',
    );
  }
  const slash = artifactKey.lastIndexOf('/');
  if (slash <= 0) {
    throw new ConfigError(
      'names.artifact-key',
      `gives "${artifactKey}" for ${name}, with no folder of its own`,
      'Put the package under a per-environment folder, such as "{environment}/katana-lambda.zip", so each role can be limited to its folder.',
    );
  }
  return {
    name,
    approval,
    artifactKey,
    artifactPrefix: artifactKey.slice(0, slash + 1),
    functionName,
    functionAlias,
    releasePrefix,
    servers,
  };
}

function oidcSubjectForm(model: EnvironmentsConfig): OidcSubjectForm {
  if (model.project.oidcSubject === 'legacy') return { form: 'legacy' };
  const ids = model.project.githubIds;
  if (ids === undefined) {
    throw new ConfigError(
      'project.github-ids',
      'is missing, and project.oidc-subject is immutable (GitHub names the owner and repository ids in the OIDC subject of every repository created or renamed on or after 2026-07-15)',
      'Run `pnpm bootstrap-github --dry-run`, which prints both ids, and set them in environments.yml as `github-ids: { owner: <id>, repository: <id> }`; or set `oidc-subject: legacy` if the repository still issues repo:<owner>/<repo> subjects.',
    );
  }
  return { form: 'immutable', ownerId: ids.owner, repositoryId: ids.repository };
}

/** The environment that owns the tier's servers (load.ts checked there is at most one, fixed). */
function rolloutOf(environments: readonly EnvironmentConfig[]): TierConfig['servers']['rollout'] {
  const owner = environments.find((env) => env.servers);
  return owner && { environment: owner.name, releasePrefix: owner.releasePrefix };
}

const isTier = (value: string | undefined): value is Tier => TIERS.some((t) => t === value);

export function tierConfig(model: EnvironmentsConfig, options: TierOptions): TierConfig {
  const tier = options.tier;
  if (!isTier(tier)) {
    throw new ConfigError(
      'tier',
      tier === undefined ? 'is not set' : `is "${tier}", which environments.yml does not define`,
      `Pass -c tier=${TIERS.join('|')}.`,
    );
  }

  const account = options.account || undefined;
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    throw new ConfigError('account', `is "${account}"`, 'Pass the 12-digit AWS account id.');
  }
  const region = options.region || model.project.region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigError('region', `is "${region}"`, 'Pass a region such as us-east-1.');
  }
  const availabilityZones = options.availabilityZones
    ? list(options.availabilityZones)
    : [`${region}a`, `${region}b`];
  if (availabilityZones.length < 2 || !availabilityZones.every((az) => az.startsWith(region))) {
    throw new ConfigError(
      'availabilityZones',
      `is "${availabilityZones.join(',')}"`,
      `Pass two or more zones of ${region}, such as ${region}a,${region}b.`,
    );
  }

  const [owner, repo, ...rest] = model.project.github.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new ConfigError(
      'project.github',
      `is "${model.project.github}"`,
      'Set it in environments.yml to the fork as owner/repo.',
    );
  }

  const github: GithubRepository = { owner, repo, oidc: oidcSubjectForm(model) };

  const fixed = concreteEnvironments(model)
    .filter((env) => env.tier === tier)
    .map(environmentConfig);
  const families = environmentFamilies(model).filter((family) => family.tier === tier);
  const members = list(options.familyEnvironments).map((name) => {
    const info = environmentByName(model, name);
    if (info === undefined || info.family === null || info.tier !== tier) {
      throw new ConfigError(
        'familyEnvironments',
        `names "${name}", which matches no environment family of tier ${tier}`,
        `Name members of ${families.map((f) => f.template).join(', ') || '(none)'}, such as int-alice.`,
      );
    }
    return environmentConfig(info);
  });
  const environments = [...fixed, ...members];
  const names = environments.map((e) => e.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new ConfigError(
      'familyEnvironments',
      `repeats "${duplicate}"`,
      'Name each environment once.',
    );
  }

  const retention = Number(options.logRetentionDays ?? 30);
  if (!RETENTION_DAYS.includes(retention)) {
    throw new ConfigError(
      'logRetentionDays',
      `is "${options.logRetentionDays}"`,
      `Pass one of ${RETENTION_DAYS.join(', ')}.`,
    );
  }

  // Upper serves the project's domain; every other tier a subdomain named after it.
  const zoneName =
    options.hostedZoneName ||
    (tier === 'upper' ? model.project.domain : `${tier}.${model.project.domain}`);
  const hostedZoneId = options.hostedZoneId || undefined;
  if (hostedZoneId !== undefined && !/^Z[A-Z0-9]{4,32}$/.test(hostedZoneId)) {
    throw new ConfigError(
      'hostedZoneId',
      `is "${hostedZoneId}"`,
      'Pass the id of a Route 53 public hosted zone, such as Z0123456789ABCDEFGHIJ.',
    );
  }

  return {
    project: model.project.name,
    tier,
    account,
    region,
    availabilityZones,
    github,
    bucketName: model.tiers[tier].bucket,
    imageRepositories: [...model.names.imageRepositories],
    environments,
    dns: { zoneName, hostedZoneId },
    servers: {
      instanceType: options.instanceType || 't3.small',
      separateDatabases: booleanOption('separateDatabases', options.separateDatabases),
      rollout: rolloutOf(environments),
      deployDocument: model.names.deployDocument,
    },
    logRetentionDays: retention,
    githubOidcProviderArn: options.githubOidcProviderArn || undefined,
  };
}
