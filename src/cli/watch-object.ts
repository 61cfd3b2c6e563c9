/**
 * What `kubespy status`, `changes` and `record` share (issue 5): the arguments
 * `[APIVERSION] KIND [NAMESPACE/]NAME` resolved through discovery exactly as kubectl resolves
 * them (plural, singular, short name, Kind in any case, kind.group, kind.version.group; CRDs and
 * cluster-scoped kinds), one watch filtered on the server by `metadata.name`, and the run until
 * Ctrl-C, `--timeout`, or the end of a replayed recording.
 */
import { Option, type Command } from 'commander';
import { parseDuration } from '../lib/duration.js';
import type { KubeObject } from '../lib/kube-object.js';
import type { ApiResource } from '../kube/discovery.js';
import type { SourceEvent, WatchRequest } from '../model/source.js';
import { diff, renderChanges } from '../diff/index.js';
import { redactSecret } from '../record/redact.js';
import { createStyle, logTimestamp, rfc3339, shouldUseColor } from '../render/index.js';
import { addConnectionOptions, connect, type Connection, type ConnectionFlags } from './connect.js';
import { ExitCode, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { parseNamespacedName } from './target.js';

export interface ObjectTarget {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ObjectCommandFlags extends ConnectionFlags {
  output?: string;
  color?: boolean;
  timeout?: string;
}

const USAGE = 'Usage: kubespy COMMAND [APIVERSION] KIND [NAMESPACE/]NAME, e.g. kubespy status po web -n shop, kubespy status apps/v1 Deployment shop/web';
/** `v1`, `v1beta2`, `apps/v1`, `example.com/v1alpha1`: what kubectl accepts as an apiVersion. */
const API_VERSION = /^(?:[a-z0-9.-]+\/)?v\d+(?:(?:alpha|beta)\d+)?$/;
/** Any kind's names: RFC 1123 subdomains, and ':' as RBAC names use it (system:node-proxier). */
const NAME = /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/;

/** `KIND NAME`, `KIND/NAME`, `APIVERSION KIND NAME`, `APIVERSION KIND/NAME`; NAME may be NAMESPACE/NAME. */
export function parseObjectTarget(args: string[], namespaceFlag: string | undefined): ObjectTarget {
  let apiVersion: string | undefined;
  let rest = args;
  if (args.length === 3 || (args.length === 2 && API_VERSION.test(args[0]!) && args[1]!.includes('/'))) {
    apiVersion = args[0];
    rest = args.slice(1);
  }
  let kind: string;
  let nameText: string;
  if (rest.length === 1 && rest[0]!.includes('/')) {
    const slash = rest[0]!.indexOf('/');
    kind = rest[0]!.slice(0, slash);
    nameText = rest[0]!.slice(slash + 1);
  } else if (rest.length === 2) {
    [kind, nameText] = rest as [string, string];
  } else {
    const problem = args.length === 0 ? 'missing KIND and NAME' : args.length === 1 ? `missing NAME after "${args[0]}"` : `too many arguments: ${args.join(' ')}`;
    throw new UsageError(problem, USAGE);
  }
  if (kind === '') {
    throw new UsageError(`malformed kind: Kubernetes names are lowercase letters, digits, '-' and '.'`, USAGE);
  }
  const { namespace, name } = parseNamespacedName(nameText, namespaceFlag, { name: NAME, usage: USAGE });
  return { apiVersion, kind, namespace, name };
}

/** The command with its arguments and the flags all three share. */
export function objectCommand(program: Command, name: string, description: string, examples: string, options: { output?: boolean } = {}): Command {
  const command = program
    .command(name)
    .description(description)
    .argument('<args...>', '[APIVERSION] KIND NAME, KIND/NAME or KIND NAMESPACE/NAME (any kind, CRDs included)')
    .addHelpText('after', `\nExamples:\n${examples}`);
  addConnectionOptions(command);
  if (options.output !== false) {
    command
      .addOption(new Option('-o, --output <mode>', 'plain (coloured text) or json (one JSON line per change); tty is plain'))
      .option('--no-color', 'no colours (NO_COLOR is honoured too)');
  }
  return command.option('--timeout <duration>', 'stop after this long (e.g. 30s, 5m) with exit code 1');
}

export function outputModeOf(flags: ObjectCommandFlags): 'plain' | 'json' {
  const mode = flags.output ?? 'plain';
  if (mode === 'json') return 'json';
  if (mode === 'plain' || mode === 'tty') return 'plain';
  throw new UsageError(`unknown output mode "${mode}"`, 'Use -o plain or -o json.');
}

export interface ObjectChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Secret values redacted unless --show-secrets. */
  object: KubeObject;
  /** The state before this change (undefined for ADDED). */
  previous?: KubeObject;
  time: number;
}

export interface WatchedObject {
  resource: ApiResource;
  target: ObjectTarget & { namespace?: string };
  connection: Connection;
}

export interface WatchObjectOptions {
  args: string[];
  flags: ObjectCommandFlags;
  io: CliIO;
  debug: boolean;
  /** Called once the kind is resolved, before the watch starts. */
  onStart?: (watched: WatchedObject) => void;
  onChange: (change: ObjectChange, watched: WatchedObject) => void;
  /** Called last, whatever ended the watch (Ctrl-C included). */
  onEnd?: () => void;
}

/** Resolves the kind, follows the object, and resolves with the exit code. */
export async function watchObject(options: WatchObjectOptions): Promise<number> {
  const { flags, io } = options;
  const target = parseObjectTarget(options.args, flags.namespace);
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout);
  if (flags.timeout !== undefined && !(timeoutMs !== undefined && timeoutMs > 0)) {
    throw new UsageError(`invalid --timeout "${flags.timeout}"`, 'Use a duration such as 30s, 5m or 1h30m.');
  }

  const connection = await connect({ ...flags, debug: options.debug }, io);
  const controller = new AbortController();
  try {
    const resource = await connection.discovery.resolve(target.kind, target.apiVersion);
    const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
    if (resource.verbs.length > 0 && !resource.verbs.includes('watch')) {
      throw new UsageError(`${qualified} cannot be watched: the server allows only ${resource.verbs.join(', ')} on it`);
    }
    const namespace = resource.namespaced ? (target.namespace ?? connection.namespace) : undefined;
    const watched: WatchedObject = { resource, target: { ...target, namespace }, connection };
    const request: WatchRequest = {
      resource: { group: resource.group, version: resource.version, resource: resource.resource, kind: resource.kind, namespaced: resource.namespaced },
      namespace,
      fieldSelector: `metadata.name=${target.name}`,
    };
    const where = namespace ? `${namespace}/${target.name}` : target.name;
    io.stderr.write(`# watching ${resource.kind} ${where} (${qualified}); Ctrl-C to stop\n`);
    options.onStart?.(watched);

    let current: KubeObject | undefined;
    let reconnecting = false;
    let finish: (code: number) => void = () => {};
    const done = new Promise<number>((resolve) => (finish = resolve));

    const report = (type: ObjectChange['type'], object: KubeObject) => {
      const shown = flags.showSecrets ? object : redactSecret(object);
      const previous = current;
      current = type === 'DELETED' ? undefined : shown;
      options.onChange({ type, object: shown, previous, time: connection.clock.now() }, watched);
    };
    const onEvent = (event: SourceEvent) => {
      switch (event.type) {
        case 'SYNC': {
          // A (re-)list: the object's state now, compared with what was last shown.
          const object = event.objects[0];
          if (object && !current) report('ADDED', object);
          else if (object && current && object.metadata.resourceVersion !== current.metadata.resourceVersion) report('MODIFIED', object);
          else if (!object && current) report('DELETED', current);
          break;
        }
        case 'ADDED':
        case 'MODIFIED':
        case 'DELETED':
          report(event.type, event.object);
          break;
        case 'PROBLEM':
          io.stderr.write(`kubespy: ${event.problem.message}\n`);
          if (event.problem.kind === 'forbidden' || event.problem.kind === 'unauthorized') finish(ExitCode.Cluster);
          else if (event.problem.kind === 'not-found') finish(ExitCode.Usage);
          break;
        case 'RECONNECTING':
          if (!reconnecting) io.stderr.write(`# reconnecting: ${event.reason}\n`);
          reconnecting = true;
          break;
        case 'HEALTHY':
          reconnecting = false;
          break;
      }
    };
    connection.source.watch(request, onEvent, controller.signal);

    const timer = timeoutMs === undefined ? undefined : connection.clock.setTimeout(() => {
      io.stderr.write(`kubespy: stopped after --timeout ${flags.timeout}${current ? '' : `; ${resource.kind} ${where} never appeared`}\n`);
      finish(ExitCode.Timeout);
    }, timeoutMs);
    const onAbort = () => finish(ExitCode.Done);
    if (io.signal.aborted) onAbort();
    io.signal.addEventListener('abort', onAbort, { once: true });
    void connection.finished?.then(() => {
      if (!current) io.stderr.write(`# the recording ends; ${resource.kind} ${where} does not exist at its end\n`);
      finish(ExitCode.Done);
    });
    const code = await done;
    io.signal.removeEventListener('abort', onAbort);
    timer?.cancel();
    return code;
  } finally {
    controller.abort();
    options.onEnd?.();
    connection.close();
  }
}

export interface DiffPrinterOptions {
  io: CliIO;
  flags: ObjectCommandFlags;
  /** The part of the object compared: `.status`, or the whole object. */
  part: (object: KubeObject) => unknown;
  /** The path prefix of `part` in change paths ('' for the whole object). */
  root: string;
  ignore?: readonly string[];
}

/**
 * Prints each change of the watched part: in plain mode a header line (time, event type, object)
 * then the part as JSON when it appears, and the coloured diff on every change after; in json
 * mode one line per change, `{"time","type","object":{apiVersion,kind,namespace,name},"changes"}`.
 * A change that leaves the part as it was prints nothing.
 */
export function diffPrinter(options: DiffPrinterOptions): (change: ObjectChange) => void {
  const { io, flags } = options;
  const mode = outputModeOf(flags);
  const color = shouldUseColor({ flag: flags.color === false ? false : undefined, env: io.env, isTTY: io.stdout.isTTY === true });
  const paint = createStyle(color);
  return ({ type, object, previous, time }) => {
    const before = previous === undefined ? undefined : options.part(previous);
    const after = type === 'DELETED' ? undefined : options.part(object);
    const changes = diff(before, after, { root: options.root, ignore: options.ignore });
    if (type === 'MODIFIED' && changes.length === 0) return;
    const m = object.metadata;
    if (mode === 'json') {
      const id = { apiVersion: object.apiVersion, kind: object.kind, namespace: m.namespace, name: m.name };
      io.stdout.write(`${JSON.stringify({ time: rfc3339(time), type, object: id, changes })}\n`);
      return;
    }
    const where = m.namespace ? `${m.namespace}/${m.name}` : m.name;
    io.stdout.write(`${paint.dim(logTimestamp(time))}  ${paint.bold(type)}  ${object.kind} ${where}\n`);
    if (type === 'ADDED') {
      const text = after === undefined ? '(none)' : JSON.stringify(after, null, 2);
      io.stdout.write(`${text.split('\n').map((line) => `  ${line}`).join('\n')}\n`);
    } else if (type === 'MODIFIED') {
      for (const line of renderChanges(changes, { color })) io.stdout.write(`${line}\n`);
    }
  };
}
