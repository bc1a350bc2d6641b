/** The routing table as typed data, after parsing and validation (see load.ts). */

export const TIERS = ['lower', 'upper'] as const;
export type Tier = (typeof TIERS)[number];
export type RefKind = 'branch' | 'tag';

/** An exact branch or tag name, with the line that declares it. */
export interface NameRule {
  name: string;
  line: number;
  column: number;
}

/** An anchored pattern, compiled, with the line that declares it. */
export interface PatternRule {
  source: string;
  regex: RegExp;
  line: number;
  column: number;
}

export interface RefRules {
  branches: readonly NameRule[];
  tags: readonly NameRule[];
  branchPatterns: readonly PatternRule[];
  tagPatterns: readonly PatternRule[];
}

export interface EnvironmentRule extends RefRules {
  /** The key in the file: a name (`prod`) or a family template (`int-{name}`). */
  key: string;
  /** A family's placeholders (`['name']`), filled from the patterns' named groups; [] otherwise. */
  placeholders: readonly string[];
  tier: Tier;
  approval: boolean;
  line: number;
  column: number;
}

export interface EnvironmentsConfig {
  file: string;
  version: 1;
  project: {
    name: string;
    /** owner/repo as GitHub spells it (OIDC subjects compare case-sensitively). */
    github: string;
    /** GitHub's numeric ids, named by the immutable OIDC subject form. */
    githubIds?: { owner: number; repository: number } | undefined;
    /** Which OIDC subject form GitHub issues for this repository. */
    oidcSubject: 'immutable' | 'legacy';
    domain: string;
    region: string;
  };
  names: {
    /** Templates over {environment} and {tier}. */
    artifactKey: string;
    functionName: string;
    /** The alias that serves traffic (not a template: the same name in every function). */
    functionAlias: string;
    imageRepositories: readonly string[];
    /** The SSM Command document the server rollout runs (names.deploy-document, default `<project>-deploy`). */
    deployDocument: string;
    /** Template over {environment} and {tier}: where server releases go in the tier's bucket. */
    releasePrefix: string;
  };
  /** Each tier's bucket, and the one environment whose deploys roll out to its servers, if any. */
  tiers: Readonly<Record<Tier, { bucket: string; servers?: string | undefined }>>;
  /** In file order. */
  environments: readonly EnvironmentRule[];
  /** Branches that build and test but deploy nowhere. */
  buildOnly: {
    branches: readonly NameRule[];
    branchPatterns: readonly PatternRule[];
    line: number;
  };
}

/** Where a ref goes. For no environment: environment null, names '', deploy and approval false. */
export interface Resolution {
  environment: string | null;
  tier: Tier;
  build: boolean;
  deploy: boolean;
  approval: boolean;
  artifactKey: string;
  functionName: string;
  /** The alias deploys move ('' for no environment). */
  functionAlias: string;
  bucket: string;
  /** True when the environment's deploys roll out to its tier's servers (tiers.<tier>.servers). */
  servers: boolean;
  /** The SSM document the server rollout runs (the same for every ref). */
  deployDocument: string;
  /** Where the environment's server releases go in the bucket, `mint/releases/` ('' for no environment). */
  releasePrefix: string;
  /** The rule that decided, for logs and summaries (`tag pattern ^RELEASE-\d+$ of prod (environments.yml:58)`). */
  matchedBy: string;
}

/** An environment with its names filled in (a concrete one, or one member of a family). */
export interface EnvironmentInfo {
  name: string;
  tier: Tier;
  approval: boolean;
  bucket: string;
  artifactKey: string;
  functionName: string;
  functionAlias: string;
  /** True when the environment's deploys roll out to its tier's servers. */
  servers: boolean;
  /** `<env>/releases/`: the folder of its server releases in the tier's bucket. */
  releasePrefix: string;
  branches: readonly string[];
  tags: readonly string[];
  branchPatterns: readonly string[];
  tagPatterns: readonly string[];
  /** The family template it belongs to (`int-{name}`), if any. */
  family: string | null;
}

/** A family of environments (`int-{name}`): names are templates over the family's placeholders. */
export interface EnvironmentFamily {
  template: string;
  placeholders: readonly string[];
  tier: Tier;
  approval: boolean;
  bucket: string;
  artifactKey: string;
  functionName: string;
  functionAlias: string;
  branchPatterns: readonly string[];
  tagPatterns: readonly string[];
}
