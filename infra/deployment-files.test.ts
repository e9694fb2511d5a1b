/**
 * The shipped deployment files are valid and wired: every compose file against the compose-spec
 * JSON schema (the copy the dclint package ships), every Kubernetes manifest against the
 * Kubernetes OpenAPI schemas (kubernetes-models' validators), and the wiring that the schemas
 * cannot see: licence public keys and mounts, CPU workers by default with a real GPU variant,
 * model folders that exist or can be fetched, the secret the docs create holding every key the
 * manifests read, autoscaling rules naming only metrics and labels the code exports, and stop
 * periods that let every draining role finish its drain (runtime/config/drain.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Registry } from 'prom-client';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DRAIN_GRACE_MS, PRESTOP_SECONDS, STOP_MARGIN_SECONDS } from '../runtime/config/drain.ts';
import { createGatewayMetrics } from '../runtime/metrics.ts';
import { createWorkerRegistry } from '../gpu-pool/grpc/worker-metrics.ts';
import type { AsrWorkerServer } from '../gpu-pool/grpc/worker-server.ts';
import { loadCatalog } from '../scripts/models/catalog.ts';
import { bindMounts, loadComposeFile, serviceEnvironment, type ComposeFile } from './testing/compose-file.ts';

const INFRA = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(INFRA, '..');
const K8S = join(INFRA, 'k8s');
const require = createRequire(import.meta.url);
const deploymentDoc = readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8');

const COMPOSE_FILES = readdirSync(INFRA).filter((file) => /^docker-compose.*\.ya?ml$/.test(file));
const SCALE_OUT = join(INFRA, 'docker-compose.scale-out.yml');
const EMBEDDED = join(INFRA, 'docker-compose.yml');
const GPU_OVERRIDE = join(INFRA, 'docker-compose.gpu.yml');

function composeValidator(): ValidateFunction {
  const schemaPath = join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
  // Draft 07, Ajv's default dialect; its `$schema` spells the meta-schema's URL with https, which Ajv does not know by that name.
  const { $schema: _dialect, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

function schemaErrors(validate: ValidateFunction, document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
}

const isWorker = (command: unknown) => JSON.stringify(command ?? '').includes('asr-worker');

describe('compose files', () => {
  const validate = composeValidator();

  it.each(COMPOSE_FILES)('%s is valid against the compose-spec schema', (file) => {
    expect(schemaErrors(validate, loadComposeFile(join(INFRA, file)))).toEqual([]);
  });

  it('a broken compose file is rejected', () => {
    const broken = loadComposeFile(SCALE_OUT) as ComposeFile & { services: Record<string, Record<string, unknown>> };
    broken.services.gateway.ports = '8080:8080'; // must be a list
    broken.services.redis.restart_policy = 'always'; // not a compose key
    const errors = schemaErrors(validate, broken);
    expect(errors.some((error) => error.startsWith('/services/gateway/ports'))).toBe(true);
    expect(errors.some((error) => error.includes('restart_policy'))).toBe(true);
  });

  it('every service that reads a licence also gets its public keys, from a folder it mounts', () => {
    for (const path of [SCALE_OUT, EMBEDDED]) {
      const compose = loadComposeFile(path, { LICENSE_FILE_PATH: '/var/earshot/license.jwt' });
      const licensed = Object.entries(compose.services).filter(([, service]) => serviceEnvironment(service).LICENSE_FILE_PATH);
      expect(licensed.length, path).toBeGreaterThan(0);
      for (const [name, service] of Object.entries(compose.services)) {
        const env = serviceEnvironment(service);
        if (!env.LICENSE_FILE_PATH && !env.LICENSE_PUBLIC_KEYS) continue;
        if (env.LICENSE_FILE_PATH) expect(env.LICENSE_PUBLIC_KEYS, `${name} in ${path}`).toBeTruthy();
        for (const file of [env.LICENSE_FILE_PATH, env.LICENSE_PUBLIC_KEYS].filter(Boolean)) {
          const mount = bindMounts(service).find((candidate) => file!.startsWith(`${candidate.target}/`));
          expect(mount, `${name}: ${file} is not under a bind mount`).toBeDefined();
          expect(existsSync(join(INFRA, mount!.source)), `${name}: mount source ${mount!.source}`).toBe(true);
        }
      }
    }
    // The licence proxy of the scale-out file has the licence and the keys, and is told where the licence server is.
    const proxy = serviceEnvironment(loadComposeFile(SCALE_OUT).services['license-and-usage-proxy']);
    expect(proxy).toMatchObject({ LICENSE_FILE_PATH: expect.any(String), LICENSE_PUBLIC_KEYS: expect.any(String) });
    expect(Object.keys(proxy)).toContain('LICENSE_SERVER_URL');
    expect(serviceEnvironment(loadComposeFile(SCALE_OUT).services.gateway).LICENSE_PUBLIC_KEYS).toBeTruthy();
  });

  it('workers run on CPU by default; the GPU file gives each one a CUDA image, a GPU and ASR_PROVIDER=cuda', () => {
    const base = loadComposeFile(SCALE_OUT);
    const workers = Object.entries(base.services).filter(([, service]) => isWorker(service.command));
    expect(workers.length).toBeGreaterThanOrEqual(3);
    for (const [name, service] of workers) {
      expect(JSON.stringify(service.deploy ?? {}), `${name} reserves a device in the CPU file`).not.toMatch(/nvidia|gpu/i);
      expect(serviceEnvironment(service).ASR_PROVIDER, name).toBe('auto');
    }
    const gpu = loadComposeFile(GPU_OVERRIDE);
    for (const [name] of workers) {
      const override = gpu.services[name];
      expect(override, `${name} has no GPU variant`).toBeDefined();
      expect(serviceEnvironment(override).ASR_PROVIDER).toBe('cuda');
      expect((override.build as { dockerfile: string }).dockerfile).toBe('infra/Dockerfile.gpu');
      expect(JSON.stringify(override.deploy)).toMatch(/"driver":"nvidia".*"capabilities":\["gpu"\]/);
    }
    // The GPU image is a CUDA + cuDNN runtime with onnxruntime's CUDA provider installed; the CPU one skips it.
    const gpuDockerfile = readFileSync(join(INFRA, 'Dockerfile.gpu'), 'utf8');
    expect(gpuDockerfile).toMatch(/^FROM nvidia\/cuda:12[^\s]*cudnn-runtime/m);
    expect(gpuDockerfile).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci/);
    expect(gpuDockerfile).toMatch(/libonnxruntime_providers_cuda\.so/);
    expect(existsSync(join(INFRA, 'Dockerfile.gpu.dockerignore'))).toBe(true);
  });

  it('every worker model folder is committed, fetchable with `npm run models -- fetch`, or documented as one to provide', () => {
    const catalog = new Set(loadCatalog().map((entry) => entry.name));
    const compose = loadComposeFile(SCALE_OUT);
    for (const [name, service] of Object.entries(compose.services)) {
      if (!isWorker(service.command)) continue;
      const modelDir = serviceEnvironment(service).MODEL_DIR;
      const folder = modelDir.replace(/^\/?models\//, '');
      const committed = existsSync(join(ROOT, 'models', folder, 'model.onnx')) || existsSync(join(ROOT, 'models', folder, 'tokens.txt'));
      const fetchable = catalog.has(folder);
      const documentedToProvide = deploymentDoc.includes(`models/${folder}`);
      expect(committed || fetchable || documentedToProvide, `${name}: MODEL_DIR ${modelDir}`).toBe(true);
      // A folder outside the image comes from the host's models/ folder.
      if (!committed) expect(bindMounts(service).some((mount) => mount.target === '/models'), `${name} mounts no models folder`).toBe(true);
    }
  });

  it('the usage reporter gets the tracker URL and key', () => {
    const reporter = serviceEnvironment(loadComposeFile(SCALE_OUT).services['usage-reporter']);
    expect(Object.keys(reporter)).toEqual(expect.arrayContaining(['REDIS_URL', 'USAGE_TRACKER_URL', 'USAGE_TRACKING_API_KEY']));
  });

  it('nginx routes only to worker services the compose file defines', () => {
    const services = Object.keys(loadComposeFile(SCALE_OUT).services);
    const targets = [...readFileSync(join(INFRA, 'nginx_streaming_asr.conf'), 'utf8').matchAll(/\s(streaming-asr-[a-z0-9-]+):50051;/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(services).toContain(target);
  });
});

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}

function readManifests(path: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((document) => document.toJS() as Manifest).filter(Boolean);
}

/** kubernetes-models' class for an apiVersion/kind: `apps/v1` Deployment → kubernetes-models/apps/v1/Deployment. */
function modelClass(manifest: Manifest): new (data: unknown) => { validate(): void } {
  const module = require(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
  return module[manifest.kind];
}

function validationError(manifest: Manifest): string | undefined {
  const Model = modelClass(manifest);
  try {
    new Model(manifest).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const MANIFEST_FILES = readdirSync(K8S).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
const allManifests = () => MANIFEST_FILES.flatMap((file) => readManifests(join(K8S, file)));

type Container = { name: string; image: string; env?: Array<{ name: string; value?: string }>; resources?: Record<string, Record<string, unknown>> };
const containersOf = (manifest: Manifest) => (manifest as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers;

/** A strategic-merge patch of a Deployment the way kustomize applies it: containers and env merge by name. */
function applyDeploymentPatch(base: Manifest, patch: Manifest): Manifest {
  const merged = structuredClone(base);
  const containers = containersOf(merged);
  for (const change of containersOf(patch)) {
    const target = containers.find((container) => container.name === change.name);
    if (!target) throw new Error(`patch names container ${change.name}, which ${base.metadata.name} lacks`);
    for (const variable of change.env ?? []) {
      const env = (target.env ??= []);
      const at = env.findIndex((existing) => existing.name === variable.name);
      if (at >= 0) env[at] = variable;
      else env.push(variable);
    }
    if (change.image) target.image = change.image;
    if (change.resources) target.resources = { ...target.resources, ...change.resources };
  }
  return merged;
}

describe('Kubernetes manifests', () => {
  it.each(MANIFEST_FILES)('%s is valid against the Kubernetes schemas', (file) => {
    const manifests = readManifests(join(K8S, file));
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) expect(validationError(manifest), `${manifest.kind} ${manifest.metadata?.name}`).toBeUndefined();
  });

  it('a broken manifest is rejected', () => {
    const worker = readManifests(join(K8S, 'asr-worker.yaml')).find((manifest) => manifest.kind === 'Deployment')!;
    const broken = structuredClone(worker) as Manifest & { spec: Record<string, unknown> };
    broken.spec.replicas = 'two';
    delete (containersOf(broken)[0] as Partial<Container>).name;
    expect(validationError(broken)).toMatch(/replicas must be integer.*must have required property 'name'|replicas must be integer/);
  });

  it('kustomization.yaml lists every manifest, and replaces every Earshot image', () => {
    const kustomization = readManifests(join(K8S, 'kustomization.yaml'))[0] as unknown as { resources: string[]; images: Array<{ name: string; newName: string }> };
    expect([...kustomization.resources].sort()).toEqual([...MANIFEST_FILES].sort());
    const images = allManifests().flatMap((manifest) => (manifest.kind === 'Deployment' ? containersOf(manifest).map((container) => container.image) : []));
    for (const image of images.filter((candidate) => candidate.startsWith('earshot'))) {
      expect(kustomization.images.map((entry) => entry.name)).toContain(image.split(':')[0]);
    }
    expect(deploymentDoc).toMatch(/docker push/);
  });

  it('workers request no GPU; the gpu overlay patches them onto the CUDA image with one GPU each', () => {
    const worker = readManifests(join(K8S, 'asr-worker.yaml')).find((manifest) => manifest.kind === 'Deployment')!;
    expect(JSON.stringify(worker)).not.toMatch(/nvidia\.com\/gpu/);
    const overlay = readManifests(join(K8S, 'gpu/kustomization.yaml'))[0] as unknown as { resources: string[]; patches: Array<{ path: string }>; images: Array<{ name: string }> };
    expect(overlay.resources).toEqual(['../']);
    const patch = readManifests(join(K8S, 'gpu', overlay.patches[0].path))[0];
    expect(patch.metadata.name).toBe(worker.metadata.name);
    const gpuWorker = applyDeploymentPatch(worker, patch);
    expect(validationError(gpuWorker)).toBeUndefined();
    const container = containersOf(gpuWorker)[0];
    expect(container.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    expect(container.env).toContainEqual({ name: 'ASR_PROVIDER', value: 'cuda' });
    expect(overlay.images.map((entry) => entry.name)).toContain(container.image.split(':')[0]);
  });

  it('the secret the docs create holds every key the manifests read from it', () => {
    const wanted = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (!value || typeof value !== 'object') return;
      const record = value as Record<string, unknown>;
      const ref = record.secretKeyRef as { name: string; key: string } | undefined;
      if (ref?.name === 'earshot-secrets') wanted.add(ref.key);
      const secret = record.secret as { secretName: string; items?: Array<{ key: string }> } | undefined;
      if (secret?.secretName === 'earshot-secrets') for (const item of secret.items ?? []) wanted.add(item.key);
      Object.values(record).forEach(walk);
    };
    allManifests().forEach(walk);
    expect([...wanted]).toEqual(expect.arrayContaining(['license.jwt', 'licence-public.pem', 'USAGE_TRACKER_URL', 'USAGE_TRACKING_API_KEY']));
    const command = /kubectl -n earshot create secret generic earshot-secrets([^`]*?)```/s.exec(deploymentDoc)?.[1] ?? '';
    const documented = new Set([...command.matchAll(/--from-(?:file|literal)=([^=\s]+)=/g)].map((match) => match[1]));
    for (const key of wanted) expect(documented, `docs/deployment.md's secret lacks ${key}`).toContain(key);
    // The licence proxy verifies with the mounted key: LICENSE_PUBLIC_KEYS points into its mount.
    const config = readManifests(join(K8S, 'config.yaml'))[0] as unknown as { data: Record<string, string> };
    expect(config.data.LICENSE_PUBLIC_KEYS).toBe('/var/earshot/licence-public.pem');
  });

  it('autoscaling names only metrics and labels the gateway and worker export', async () => {
    const gateway = createGatewayMetrics({ clusterSessions: async () => ({ gateway: 0, total: 0 }) }).registry;
    const fakeWorker = { activeStreams: 0, maxOpenStreams: 1, health: { status: 'SERVING' } } as unknown as AsrWorkerServer;
    const worker = createWorkerRegistry(fakeWorker, 'en-default');
    const labelsOf = (registry: Registry, name: string): string[] | undefined => {
      const metric = registry.getSingleMetric(name) as unknown as { labelNames?: string[] } | undefined;
      return metric ? [...(metric.labelNames ?? []), ...Object.keys((registry as unknown as { _defaultLabels: object })._defaultLabels ?? {})] : undefined;
    };
    const config = (readManifests(join(K8S, 'prometheus-adapter-rules.yaml'))[0] as unknown as { data: Record<string, string> }).data['config.yaml'];
    const rules = (parseAllDocuments(config)[0].toJS() as { rules: Array<{ seriesQuery: string; metricsQuery: string; name: { as: string } }> }).rules;
    expect(rules.length).toBeGreaterThan(0);
    const served = rules.map((rule) => rule.name.as);
    for (const rule of rules) {
      const [, name, seriesMatchers = ''] = /^(earshot_[a-z_]+)(?:\{([^}]*)\})?$/.exec(rule.seriesQuery) ?? [];
      const labels = labelsOf(gateway, name) ?? labelsOf(worker, name);
      expect(labels, `${rule.seriesQuery}: not an exported metric`).toBeDefined();
      // <<.Series>>{...} in the metrics query is the same series with more matchers.
      const queryMatchers = [...rule.metricsQuery.matchAll(/<<\.Series>>\{([^}]*)\}/g)].map((match) => match[1]).join(',');
      // namespace and pod come from Prometheus' pod discovery; <<...>> are the adapter's templates.
      for (const [, label] of `${seriesMatchers},${queryMatchers}`.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) {
        if (label === 'namespace' || label === 'pod') continue;
        expect(labels, `${name} has no label ${label}`).toContain(label);
      }
    }
    const hpaMetrics = allManifests()
      .filter((manifest) => manifest.kind === 'HorizontalPodAutoscaler')
      .flatMap((manifest) => (manifest as unknown as { spec: { metrics: Array<{ pods: { metric: { name: string } } }> } }).spec.metrics.map((metric) => metric.pods.metric.name));
    expect(hpaMetrics.length).toBe(2);
    for (const name of hpaMetrics) expect(served).toContain(name);
  });
});

/** Compose durations: `40s`, `1m30s`, `1h` (a bare number is seconds). */
function composeSeconds(duration: string): number {
  if (/^\d+$/.test(duration)) return Number(duration);
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  expect(parts.map((part) => part[0]).join(''), `duration ${duration}`).toBe(duration);
  const unit = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 } as const;
  return parts.reduce((sum, [, value, name]) => sum + Number(value) * unit[name as keyof typeof unit], 0);
}

/** The grace a process gets from its environment: DRAIN_GRACE_MS, else the one default. */
const graceSeconds = (env: Record<string, string | undefined>) => Number(env.DRAIN_GRACE_MS || DRAIN_GRACE_MS) / 1000;

describe('drain: every role that holds sessions is given its grace and the time to shut down', () => {
  // The embedded service runs the image's default command (main.ts, embedded).
  const drains = (command: unknown) => command === undefined || isWorker(command) || JSON.stringify(command).includes('"gateway"');

  it('compose: stop_grace_period is at least DRAIN_GRACE_MS plus the margin', () => {
    let checked = 0;
    for (const path of [SCALE_OUT, EMBEDDED]) {
      for (const [name, service] of Object.entries(loadComposeFile(path).services)) {
        if (!String(service.image ?? '').startsWith('earshot') || !drains(service.command)) continue;
        checked += 1;
        const period = composeSeconds(String(service.stop_grace_period ?? '10s'));
        expect(period, `${name} in ${path}`).toBeGreaterThanOrEqual(graceSeconds(serviceEnvironment(service)) + STOP_MARGIN_SECONDS);
      }
    }
    expect(checked).toBe(5); // the embedded service, the gateway and three worker services
  });

  it('Kubernetes: a PRESTOP_SECONDS preStop sleep, then terminationGracePeriodSeconds covers it, DRAIN_GRACE_MS (ConfigMap or container env) and the margin', () => {
    const config = (readManifests(join(K8S, 'config.yaml'))[0] as unknown as { data: Record<string, string> }).data;
    const deployments = allManifests().filter((manifest) => manifest.kind === 'Deployment');
    let checked = 0;
    for (const deployment of deployments) {
      const pod = (deployment as unknown as { spec: { template: { spec: { terminationGracePeriodSeconds?: number; containers: Array<Container & { args?: string[]; envFrom?: Array<{ configMapRef?: { name: string } }>; lifecycle?: { preStop?: { exec?: { command?: string[] } } } }> } } } }).spec.template.spec;
      for (const container of pod.containers) {
        if (!drains(container.args ?? [])) continue;
        checked += 1;
        const fromConfig = container.envFrom?.some((source) => source.configMapRef?.name === 'earshot-config') ? config : {};
        const own = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value]));
        expect(container.lifecycle?.preStop?.exec?.command, `${deployment.metadata.name}: preStop`).toEqual(['sleep', String(PRESTOP_SECONDS)]);
        // Kubernetes' own default is 30 s; the preStop hook runs inside the same period.
        expect(pod.terminationGracePeriodSeconds ?? 30, deployment.metadata.name).toBeGreaterThanOrEqual(PRESTOP_SECONDS + graceSeconds({ ...fromConfig, ...own }) + STOP_MARGIN_SECONDS);
      }
    }
    expect(checked).toBe(2); // gateways and English workers
    expect(deploymentDoc).toContain(`terminationGracePeriodSeconds: ${PRESTOP_SECONDS + DRAIN_GRACE_MS / 1000 + STOP_MARGIN_SECONDS}`);
  });
});
