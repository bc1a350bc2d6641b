/**
 * A stand-in for AWS Systems Manager Run Command: an HTTP server speaking SSM's JSON 1.1 protocol
 * (X-Amz-Target AmazonSSM.<operation>) for SendCommand, ListCommands, ListCommandInvocations and
 * GetCommandInvocation, over managed instances the test registers (an id, EC2 tags, and how to
 * run a script there) and Command documents (name -> JSON content). moto has no Run Command that
 * runs anything, so this is where a rollout's commands really execute.
 *
 * As SSM does: Targets resolve by tag (`tag:<key>`, values OR-ed, targets AND-ed) or InstanceIds;
 * Parameters are checked against the document (unknown, missing, allowedValues, allowedPattern:
 * InvalidParameters); `{{ name }}` is replaced in the aws:runShellScript step's runCommand lines,
 * which run as one script; MaxConcurrency and MaxErrors are honoured for plain numbers (once more
 * invocations failed than MaxErrors allows, the ones not started are Cancelled); the outputs are
 * cut like SSM's: GetCommandInvocation's StandardOutputContent to its first 24,000 characters and
 * StandardErrorContent to 8,000, a plugin's Output in ListCommandInvocations to 2,500.
 * Not modelled (docs/fidelity.md): delivery timeouts, agent versions and pings, rate limits, S3 or
 * CloudWatch output, document versions, percentages in MaxConcurrency/MaxErrors.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ManagedInstance {
  /** i-<17 hex> like EC2's. */
  readonly instanceId: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Runs the document's script as the agent would (bash, as root). */
  run(script: string): Promise<ScriptResult>;
}

export interface CommandTarget {
  readonly Key: string;
  readonly Values: readonly string[];
}

/** SSM's limits on what it returns (API reference: GetCommandInvocation, CommandPlugin). */
export const STANDARD_OUTPUT_LIMIT = 24_000;
export const STANDARD_ERROR_LIMIT = 8_000;
export const PLUGIN_OUTPUT_LIMIT = 2_500;

type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'Cancelled';

interface Invocation {
  readonly instanceId: string;
  status: InvocationStatus;
  responseCode: number;
  stdout: string;
  stderr: string;
  startedAt?: Date;
  endedAt?: Date;
}

export interface RecordedCommand {
  readonly commandId: string;
  readonly documentName: string;
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly targets: readonly CommandTarget[];
  readonly comment: string;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly timeoutSeconds: number | undefined;
  readonly requestedAt: Date;
  /** The script each instance ran (after parameter substitution). */
  readonly script: string;
  status: 'Pending' | 'InProgress' | 'Success' | 'Failed';
  readonly invocations: Invocation[];
}

interface DocumentParameter {
  readonly type?: string;
  readonly default?: string;
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
}

interface CommandDocument {
  readonly parameters?: Readonly<Record<string, DocumentParameter>>;
  readonly mainSteps?: readonly {
    readonly action: string;
    readonly name: string;
    readonly inputs?: { readonly runCommand?: readonly string[] };
  }[];
}

export interface SsmRunCommandOptions {
  readonly instances?: readonly ManagedInstance[];
  /** Document name -> its content (JSON text or the parsed object). */
  readonly documents?: Readonly<Record<string, string | object>>;
}

export interface SsmRunCommand {
  readonly endpoint: string;
  readonly port: number;
  /** Every command accepted, in order. */
  readonly commands: RecordedCommand[];
  addInstance(instance: ManagedInstance): void;
  /** The managed instances a SendCommand's Targets reach (what IAM sees as its instances). */
  resolveTargets(targets: readonly CommandTarget[]): ManagedInstance[];
  stop(): Promise<void>;
}

/** An SSM error answer: HTTP 400 and `__type`, as the JSON protocol sends it. */
export class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** `{{ name }}` of the document's parameters, replaced by each parameter's value. */
export function substituteParameters(
  line: string,
  parameters: Readonly<Record<string, readonly string[]>>,
): string {
  return line.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) =>
    name in parameters ? (parameters[name] ?? []).join(',') : whole,
  );
}

/** The parameters with defaults filled in, or InvalidParameters naming the first problem. */
export function checkParameters(
  document: CommandDocument,
  given: Readonly<Record<string, readonly string[]>>,
): Record<string, readonly string[]> {
  const declared = document.parameters ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) {
      throw new SsmError(
        'InvalidParameters',
        `Parameter "${name}" is not defined in the document.`,
      );
    }
  }
  const result: Record<string, readonly string[]> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const values = given[name] ?? (spec.default !== undefined ? [spec.default] : undefined);
    if (values === undefined) {
      throw new SsmError(
        'InvalidParameters',
        `Parameter "${name}" is required but was not provided.`,
      );
    }
    for (const value of values) {
      if (spec.allowedValues && !spec.allowedValues.includes(value)) {
        throw new SsmError(
          'InvalidParameters',
          `Parameter "${name}" "${value}" is not one of the allowed values [${spec.allowedValues.join(', ')}].`,
        );
      }
      if (spec.allowedPattern && !new RegExp(spec.allowedPattern).test(value)) {
        throw new SsmError(
          'InvalidParameters',
          `Parameter "${name}" "${value}" failed to satisfy constraint: Member must satisfy regular expression pattern: ${spec.allowedPattern}`,
        );
      }
    }
    result[name] = values;
  }
  return result;
}

/** The instances targets reach: `tag:<key>` (any of its values) and InstanceIds, all targets AND-ed. */
export function matchTargets(
  instances: Iterable<ManagedInstance>,
  targets: readonly CommandTarget[],
): ManagedInstance[] {
  return [...instances].filter((instance) =>
    targets.every(({ Key, Values }) => {
      if (Key === 'InstanceIds') return Values.includes(instance.instanceId);
      if (Key.startsWith('tag:')) {
        const value = instance.tags[Key.slice('tag:'.length)];
        return value !== undefined && Values.includes(value);
      }
      return false;
    }),
  );
}

const limit = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/** A number in MaxConcurrency/MaxErrors (percentages are not modelled: taken as no limit). */
const count = (value: string, fallback: number) => (/^\d+$/.test(value) ? Number(value) : fallback);

export async function startSsmRunCommand(
  options: SsmRunCommandOptions = {},
): Promise<SsmRunCommand> {
  const instances = new Map<string, ManagedInstance>();
  for (const instance of options.instances ?? []) instances.set(instance.instanceId, instance);
  const documents = new Map<string, CommandDocument>(
    Object.entries(options.documents ?? {}).map(([name, content]) => [
      name,
      (typeof content === 'string' ? JSON.parse(content) : content) as CommandDocument,
    ]),
  );
  const commands: RecordedCommand[] = [];

  /** Runs the invocations, MaxConcurrency at a time, stopping once MaxErrors is exceeded. */
  async function execute(command: RecordedCommand): Promise<void> {
    command.status = 'InProgress';
    const concurrency = Math.max(1, count(command.maxConcurrency, 50));
    const maxErrors = count(command.maxErrors, Number.MAX_SAFE_INTEGER);
    let errors = 0;
    const queue = [...command.invocations];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (errors > maxErrors) {
          next.status = 'Cancelled';
          continue;
        }
        const instance = instances.get(next.instanceId);
        next.status = 'InProgress';
        next.startedAt = new Date();
        let result: ScriptResult;
        try {
          result = instance
            ? await instance.run(command.script)
            : { code: 1, stdout: '', stderr: 'instance not registered' };
        } catch (error) {
          result = { code: 1, stdout: '', stderr: String(error) };
        }
        next.endedAt = new Date();
        next.responseCode = result.code;
        next.stdout = result.stdout;
        next.stderr = result.stderr;
        next.status = result.code === 0 ? 'Success' : 'Failed';
        if (result.code !== 0) errors++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    command.status = command.invocations.every((i) => i.status === 'Success')
      ? 'Success'
      : 'Failed';
  }

  function sendCommand(body: Record<string, unknown>): unknown {
    const documentName = String(body.DocumentName ?? '');
    const document = documents.get(documentName);
    if (!document)
      throw new SsmError('InvalidDocument', `Document ${documentName} does not exist.`);
    const targets = (body.Targets ?? []) as CommandTarget[];
    const instanceIds = (body.InstanceIds ?? []) as string[];
    if (targets.length === 0 && instanceIds.length === 0) {
      throw new SsmError('ValidationException', 'Either InstanceIds or Targets must be specified.');
    }
    if (targets.length > 5) {
      throw new SsmError(
        'ValidationException',
        "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5",
      );
    }
    const reached = targets.length > 0 ? matchTargets(instances.values(), targets) : [];
    for (const id of instanceIds) {
      if (!instances.has(id)) throw new SsmError('InvalidInstanceId', '');
    }
    const parameters = checkParameters(
      document,
      (body.Parameters ?? {}) as Record<string, string[]>,
    );
    const step = document.mainSteps?.find((s) => s.action === 'aws:runShellScript');
    const script = (step?.inputs?.runCommand ?? [])
      .map((line) => substituteParameters(line, parameters))
      .join('\n');
    const command: RecordedCommand = {
      commandId: randomUUID(),
      documentName,
      parameters,
      targets,
      comment: String(body.Comment ?? ''),
      maxConcurrency: String(body.MaxConcurrency ?? '50'),
      maxErrors: String(body.MaxErrors ?? '0'),
      timeoutSeconds: typeof body.TimeoutSeconds === 'number' ? body.TimeoutSeconds : undefined,
      requestedAt: new Date(),
      script,
      status: 'Pending',
      invocations: [...new Set([...reached.map((i) => i.instanceId), ...instanceIds])].map(
        (instanceId) => ({
          instanceId,
          status: 'Pending',
          responseCode: -1,
          stdout: '',
          stderr: '',
        }),
      ),
    };
    commands.push(command);
    // Like SSM, the call returns at once and the agents run the command afterwards.
    setImmediate(() => void execute(command));
    return { Command: commandView(command) };
  }

  const epoch = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);
  const commandView = (command: RecordedCommand) => ({
    CommandId: command.commandId,
    DocumentName: command.documentName,
    Comment: command.comment,
    Parameters: command.parameters,
    Targets: command.targets,
    InstanceIds: [],
    RequestedDateTime: epoch(command.requestedAt),
    Status: command.status,
    StatusDetails: command.status,
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TimeoutSeconds: command.timeoutSeconds,
    TargetCount: command.invocations.length,
    CompletedCount: command.invocations.filter((i) =>
      ['Success', 'Failed', 'Cancelled'].includes(i.status),
    ).length,
    ErrorCount: command.invocations.filter((i) => i.status === 'Failed').length,
  });
  const pluginOutput = (invocation: Invocation) =>
    limit(
      invocation.stderr
        ? `${invocation.stdout}\n----------ERROR-------\n${invocation.stderr}`
        : invocation.stdout,
      PLUGIN_OUTPUT_LIMIT,
    );
  const invocationView = (command: RecordedCommand, invocation: Invocation, details: boolean) => ({
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    RequestedDateTime: epoch(command.requestedAt),
    Status: invocation.status,
    StatusDetails: invocation.status,
    ...(details
      ? {
          CommandPlugins: [
            {
              Name: 'deploy',
              Status: invocation.status,
              StatusDetails: invocation.status,
              ResponseCode: invocation.responseCode,
              ResponseStartDateTime: epoch(invocation.startedAt),
              ResponseFinishDateTime: epoch(invocation.endedAt),
              Output: pluginOutput(invocation),
            },
          ],
        }
      : {}),
  });
  const findCommand = (id: unknown) => {
    const command = commands.find((c) => c.commandId === id);
    if (!command) throw new SsmError('InvalidCommandId', '');
    return command;
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    SendCommand: sendCommand,
    ListCommands: (body) => ({
      Commands: (body.CommandId ? [findCommand(body.CommandId)] : commands).map(commandView),
    }),
    ListCommandInvocations: (body) => {
      const list = body.CommandId ? [findCommand(body.CommandId)] : commands;
      return {
        CommandInvocations: list.flatMap((command) =>
          command.invocations
            .filter((i) => !body.InstanceId || i.instanceId === body.InstanceId)
            .map((i) => invocationView(command, i, body.Details === true)),
        ),
      };
    },
    GetCommandInvocation: (body) => {
      const command = findCommand(body.CommandId);
      const invocation = command.invocations.find((i) => i.instanceId === body.InstanceId);
      if (!invocation) throw new SsmError('InvocationDoesNotExist', '');
      const done = invocation.status === 'Success' || invocation.status === 'Failed';
      return {
        CommandId: command.commandId,
        InstanceId: invocation.instanceId,
        Comment: command.comment,
        DocumentName: command.documentName,
        PluginName: 'deploy',
        ResponseCode: invocation.responseCode,
        Status: invocation.status,
        StatusDetails: invocation.status,
        // Empty until the invocation has finished, as SSM documents.
        StandardOutputContent: done ? limit(invocation.stdout, STANDARD_OUTPUT_LIMIT) : '',
        StandardErrorContent: done ? limit(invocation.stderr, STANDARD_ERROR_LIMIT) : '',
      };
    },
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = operations[target.replace(/^AmazonSSM\./, '')];
      const reply = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      };
      try {
        if (!target.startsWith('AmazonSSM.') || !operation) {
          throw new SsmError(
            'UnknownOperationException',
            `The SSM stand-in does not know ${target}`,
          );
        }
        const text = Buffer.concat(chunks).toString('utf8');
        reply(200, operation((text ? JSON.parse(text) : {}) as Record<string, unknown>));
      } catch (error) {
        if (error instanceof SsmError) {
          reply(400, { __type: error.type, message: error.message });
        } else {
          reply(500, { __type: 'InternalServerError', message: String(error) });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    commands,
    addInstance: (instance) => void instances.set(instance.instanceId, instance),
    resolveTargets: (targets) => matchTargets(instances.values(), targets),
    async stop() {
      // Let running invocations finish before the server goes: their hosts may be stopped next.
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** A test host (testHost.ts) as a managed instance: the script runs in it as root, in bash. */
export function testHostInstance(
  host: { exec(command: string): Promise<ScriptResult> },
  instanceId: string,
  tags: Readonly<Record<string, string>>,
  /** The agent's environment on the host (credentials, region, endpoints): exported first. */
  environment: Readonly<Record<string, string>> = {},
): ManagedInstance {
  const exports = Object.entries(environment)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", `'"'"'`)}'\n`)
    .join('');
  return { instanceId, tags, run: (script) => host.exec(`${exports}${script}`) };
}
