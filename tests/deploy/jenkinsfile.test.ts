/**
 * The Jenkinsfile passes npm-groovy-lint (CodeNarc, with the Jenkinsfile rule set it ships) at its
 * strictest level, and has the stages issue #8 asks for. npm-groovy-lint runs CodeNarc on Java: a
 * missing `java` fails the test, naming it.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, overlayObjects, readText } from './support/manifests.js';

interface Run {
  readonly code: number | null;
  readonly output: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

describe('Jenkinsfile', () => {
  it('passes npm-groovy-lint with no error, warning or info', async () => {
    const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
    if (java.error !== undefined) {
      throw new Error('java is not installed (or not on PATH): npm-groovy-lint runs CodeNarc on Java 17+. Install a JRE and run the tests again.');
    }
    const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'npm-groovy-lint');
    const result = await run(bin, ['--noserver', '--config', 'recommended-jenkinsfile', '--failon', 'info', '--output', 'txt', 'Jenkinsfile'], {
      ...process.env,
      // One short-lived JVM: the C1 compiler alone starts CodeNarc in about half the time.
      JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
      FORCE_COLOR: '0',
    });
    expect(result.code, result.output).toBe(0);
  }, 90_000);

  it('has the pipeline of issue #8: install, parallel checks, tests with Redis and MySQL, build, Trivy, push, GitOps bump', () => {
    const text = readText('Jenkinsfile');
    const order = ["stage('Install')", "stage('Static checks')", 'parallel {', "stage('Test')", "stage('Build image')", "stage('Scan image')", "stage('Push image')", "stage('Bump overlay')"];
    const positions = order.map((needle) => text.indexOf(needle));
    for (const [i, position] of positions.entries()) expect(position, order[i]).toBeGreaterThan(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    expect(text).toMatch(/docker\.image\(env\.REDIS_IMAGE\)\.withRun/);
    expect(text).toMatch(/docker\.image\(env\.MYSQL_IMAGE\)\.withRun/);
    expect(text).toContain("sh 'npm test'");
    expect(text).toContain('--exit-code 1 --severity HIGH,CRITICAL');
    expect(text).toContain('git rev-parse --short=12 HEAD');
    expect(text).toMatch(/timeout\(time: \d+\)/);
    expect(text).toMatch(/post \{\s*failure \{\s*mail /);
    // Tool images are pinned like the app image.
    for (const [, image] of text.matchAll(/_IMAGE = '([^']+)'/g)) expect(image, image).toMatch(/:[\w.]+$/);
    expect(text).not.toMatch(/:latest\b/);
  });

  it('bumps the same image name the overlays deploy', () => {
    const text = readText('Jenkinsfile');
    const bumped = /edit set image "([\w-]+)=/.exec(text)?.[1];
    expect(bumped).toBeDefined();
    const kustomization = readText('k8s-keda/overlays/prod/kustomization.yaml');
    expect(kustomization).toMatch(new RegExp(`- name: ${bumped ?? ''}\\n\\s+newName: \\S+/${bumped ?? ''}\\n\\s+newTag:`));
    const images = new Set(overlayObjects('prod').flatMap((o) => [...JSON.stringify(o).matchAll(/"image":"([^"]+)"/g)].map((m) => m[1]!)));
    for (const image of images) expect(image).toMatch(new RegExp(`/${bumped ?? ''}:[0-9a-f]{12,40}$`));
  });
});
